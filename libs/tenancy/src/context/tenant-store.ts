import { ClsServiceManager, type ClsStore } from 'nestjs-cls';
import { BYPASS_CLS_KEY, TENANT_CLS_KEY } from '../constants.js';
import { TenantIsolationError } from '../errors/tenant-isolation.error.js';
import { recordAudit } from './tenant-audit.js';
import { tenantContextConfig } from './tenant-context.config.js';
import { assertValidTenantId } from './tenant-id.js';

export interface BypassOptions {
  /** Why the filter is bypassed; written to the audit sink. */
  reason?: string;
  /** Extra audit details (route, user...), set by the HTTP layer. */
  details?: Record<string, unknown>;
}

interface BypassMark {
  reason?: string;
}

type TenantStore = ClsStore & {
  [TENANT_CLS_KEY]?: string;
  [BYPASS_CLS_KEY]?: BypassMark;
};

const cls = () => ClsServiceManager.getClsService<TenantStore>();

/** The active store, or undefined outside any context: one AsyncLocalStorage read (get() without a key is the store itself). */
function currentStore(): TenantStore | undefined {
  return cls().get() as TenantStore | undefined;
}

/**
 * Copy-on-write: a new store for the rest of the current async flow. Mutating
 * the active store instead would let two jobs started in the same tick (and
 * so sharing the store they were started from) overwrite each other's tenant.
 */
function enterCopy(patch: Partial<TenantStore>): void {
  cls().enterWith({ ...currentStore(), ...patch } as TenantStore);
}

function runCopy<T>(patch: Partial<TenantStore>, fn: () => T): T {
  return cls().runWith({ ...currentStore(), ...patch } as TenantStore, fn);
}

export function getCurrentTenant(): string | undefined {
  return currentStore()?.[TENANT_CLS_KEY];
}

/**
 * Sets the tenant for the rest of the current async flow (validated). Like
 * runWithTenant, choosing one tenant ends a bypass: an admin job that loops
 * over tenants inside bypassTenantFilter must see one tenant at a time.
 */
export function setCurrentTenant(tenantId: string): void {
  enterCopy({ [TENANT_CLS_KEY]: assertValidTenantId(tenantId), [BYPASS_CLS_KEY]: undefined });
}

export function clearCurrentTenant(): void {
  if (currentStore()?.[TENANT_CLS_KEY] !== undefined) {
    enterCopy({ [TENANT_CLS_KEY]: undefined });
  }
}

export function requireTenant(): string {
  const tenantId = getCurrentTenant();
  if (tenantId === undefined) throw TenantIsolationError.required('this operation');
  return tenantId;
}

/**
 * Runs `fn` as `tenantId`. An explicit tenant scope also ends any bypass of the
 * caller: code that asks for one tenant must see only that tenant.
 */
export function runWithTenant<T>(tenantId: string, fn: () => T): T {
  const valid = assertValidTenantId(tenantId);
  // The new store in one literal (no patch object to spread): jobs and loops enter a tenant per operation.
  return cls().runWith({ ...currentStore(), [TENANT_CLS_KEY]: valid, [BYPASS_CLS_KEY]: undefined } as TenantStore, fn);
}

function auditBypass(options: BypassOptions): Promise<void> | undefined {
  const { audit, allowUnauditedBypass, bypassDetails } = tenantContextConfig();
  const event = {
    type: 'tenancy.bypass' as const,
    tenantId: getCurrentTenant(),
    reason: options.reason,
    at: new Date(),
    details: bypassDetails ? { ...options.details, ...bypassDetails } : options.details,
  };
  return recordAudit(audit, event, allowUnauditedBypass);
}

/**
 * Runs `fn` with the tenant filter off for every tenant, always audited, and
 * only once the audit sink accepted the record: a failing sink refuses the
 * bypass with TENANT_AUDIT_UNAVAILABLE and `fn` never runs. A synchronous
 * sink keeps the call synchronous (fn's own result is returned). An
 * asynchronous sink makes the result a Promise of fn's result, because fn
 * waits for the sink: await it, whatever fn returns.
 */
export function bypassTenantFilter<T>(fn: () => Promise<T>, options?: BypassOptions): Promise<T>;
export function bypassTenantFilter<T>(fn: () => T, options?: BypassOptions): T | Promise<T>;
export function bypassTenantFilter<T>(fn: () => T, options: BypassOptions = {}): T | Promise<T> {
  const mark = { [BYPASS_CLS_KEY]: { reason: options.reason } };
  const audited = auditBypass(options);
  if (audited === undefined) return runCopy(mark, fn);
  // The continuation runs in the caller's async context: the bypass store is entered inside it.
  return audited.then(() => runCopy(mark, fn));
}

/** Audits a bypass that the caller then applies itself (the request pipeline, bypassTenantRls); await before crossing. */
export async function recordBypassAudit(options: BypassOptions): Promise<void> {
  await auditBypass(options);
}

/**
 * The tenant whose rows the filter admits right now: undefined with no tenant
 * or inside a bypass. One context read, for checks that run once per row.
 */
export function filteringTenant(): string | undefined {
  const store = currentStore();
  return store === undefined || store[BYPASS_CLS_KEY] !== undefined ? undefined : store[TENANT_CLS_KEY];
}

export function isTenantFilterBypassed(): boolean {
  return currentStore()?.[BYPASS_CLS_KEY] !== undefined;
}

/**
 * For the request pipeline only: writes into the store that the request's own
 * CLS context created, so that every later stage of the same request (which
 * captured that store before the guard ran) sees the tenant. A tenant ends a
 * bypass assigned earlier (say by a guard subclass), as everywhere else.
 */
export function assignRequestTenant(tenantId: string): void {
  const valid = assertValidTenantId(tenantId);
  if (cls().isActive()) {
    cls().set(TENANT_CLS_KEY, valid);
    cls().set(BYPASS_CLS_KEY, undefined);
  } else enterCopy({ [TENANT_CLS_KEY]: valid, [BYPASS_CLS_KEY]: undefined });
}

/**
 * For the request pipeline only: marks the request's store as bypassed. The
 * caller has already awaited recordBypassAudit: the mark follows the record.
 */
export function assignRequestBypass(options: BypassOptions = {}): void {
  if (cls().isActive()) cls().set(BYPASS_CLS_KEY, { reason: options.reason });
  else enterCopy({ [BYPASS_CLS_KEY]: { reason: options.reason } });
}
