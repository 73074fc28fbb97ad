import { ClsServiceManager, type ClsStore } from 'nestjs-cls';
import { BYPASS_CLS_KEY, SETTINGS_CLS_KEY, TENANT_CLS_KEY } from '../constants.js';
import { TenantIsolationError } from '../errors/tenant-isolation.error.js';
import { recordAudit, type TenantAuditOutcome, type TenantAuditSink } from './tenant-audit.js';
import { DEFAULT_TENANT_CONTEXT_SETTINGS, type TenantContextSettings } from './tenant-context.settings.js';
import { assertValidTenantId, matchesTenantIdPattern } from './tenant-id.js';

export interface BypassOptions {
  /** Why the filter is bypassed; written to the audit sink. */
  reason?: string;
  /** Extra audit details (route, user...), set by the HTTP layer. */
  details?: Record<string, unknown>;
}

/** An active bypass: why, and which sink recorded it (undefined: it runs unaudited under allowUnauditedBypass). */
export interface BypassMark {
  reason?: string;
  auditedBy: TenantAuditSink | undefined;
}

type TenantStore = ClsStore & {
  [TENANT_CLS_KEY]?: string;
  [BYPASS_CLS_KEY]?: BypassMark;
  [SETTINGS_CLS_KEY]?: TenantContextSettings;
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

/** The settings of the running context: the ones its TenancyModule handed it, else the fail-closed defaults. */
export function currentTenantContextSettings(): TenantContextSettings {
  return currentStore()?.[SETTINGS_CLS_KEY] ?? DEFAULT_TENANT_CONTEXT_SETTINGS;
}

/** A tenant set under other settings must also suit these before it runs under them. */
function keptTenantFits(settings: TenantContextSettings, store = currentStore()): void {
  const tenantId = store?.[TENANT_CLS_KEY];
  if (tenantId !== undefined) assertValidTenantId(tenantId, settings.tenantIdPattern);
}

/** Runs `fn` in a copy of the current context that carries `settings` (nested runs inherit them). */
export function runInTenantContext<T>(settings: TenantContextSettings, fn: () => T): T {
  keptTenantFits(settings);
  return runCopy({ [SETTINGS_CLS_KEY]: settings }, fn);
}

/**
 * For code without TenancyModule (scripts, jobs, tests): runs `fn` with these
 * settings over the current ones, say an audit sink of its own. Inside Nest,
 * the injected TenantContext applies its module's settings instead.
 */
export function runWithTenantSettings<T>(settings: Partial<TenantContextSettings>, fn: () => T): T {
  return runInTenantContext(Object.freeze({ ...currentTenantContextSettings(), ...settings }), fn);
}

/** runWithTenant under `settings` (TenantContext's). */
export function runWithTenantIn<T>(settings: TenantContextSettings, tenantId: string, fn: () => T): T {
  const valid = assertValidTenantId(tenantId, settings.tenantIdPattern);
  return runCopy({ [SETTINGS_CLS_KEY]: settings, [TENANT_CLS_KEY]: valid, [BYPASS_CLS_KEY]: undefined }, fn);
}

/** Validated against the running context's tenantIdPattern. */
export function isValidTenantId(tenantId: unknown): tenantId is string {
  return matchesTenantIdPattern(tenantId, currentTenantContextSettings().tenantIdPattern);
}

/** Validated against the running context's tenantIdPattern; throws TENANT_INVALID. */
export function assertTenantIdInContext(tenantId: unknown): string {
  return assertValidTenantId(tenantId, currentTenantContextSettings().tenantIdPattern);
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
  enterCopy({ [TENANT_CLS_KEY]: assertTenantIdInContext(tenantId), [BYPASS_CLS_KEY]: undefined });
}

/** setCurrentTenant under `settings`, which the rest of the flow keeps (TenantContext's). */
export function setCurrentTenantWith(settings: TenantContextSettings, tenantId: string): void {
  const valid = assertValidTenantId(tenantId, settings.tenantIdPattern);
  enterCopy({ [SETTINGS_CLS_KEY]: settings, [TENANT_CLS_KEY]: valid, [BYPASS_CLS_KEY]: undefined });
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
  return runCopy({ [TENANT_CLS_KEY]: assertTenantIdInContext(tenantId), [BYPASS_CLS_KEY]: undefined }, fn);
}

function auditBypass(options: BypassOptions, settings: TenantContextSettings): TenantAuditOutcome | Promise<TenantAuditOutcome> {
  const { audit, allowUnauditedBypass, bypassDetails, reportAuditFailure } = settings;
  const event = {
    type: 'tenancy.bypass' as const,
    tenantId: getCurrentTenant(),
    reason: options.reason,
    at: new Date(),
    details: bypassDetails ? { ...options.details, ...bypassDetails } : options.details,
  };
  return recordAudit(audit, event, { allowUnaudited: allowUnauditedBypass, reportFailure: reportAuditFailure });
}

function bypassMark(reason: string | undefined, settings: TenantContextSettings, outcome: TenantAuditOutcome): BypassMark {
  return { reason, auditedBy: outcome === 'recorded' ? settings.audit : undefined };
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
  const settings = currentTenantContextSettings();
  const audited = auditBypass(options, settings);
  const run = (outcome: TenantAuditOutcome) => runCopy({ [BYPASS_CLS_KEY]: bypassMark(options.reason, settings, outcome) }, fn);
  if (typeof audited === 'string') return run(audited);
  // The continuation runs in the caller's async context: the bypass store is entered inside it.
  return audited.then(run);
}

/**
 * Audits a bypass that the caller then applies itself (the request pipeline,
 * bypassTenantRls); await before crossing. `settings`: those of the context
 * the bypass will run in, when the caller has not entered it yet.
 */
export async function recordBypassAudit(
  options: BypassOptions,
  settings: TenantContextSettings = currentTenantContextSettings(),
): Promise<BypassMark> {
  return bypassMark(options.reason, settings, await auditBypass(options, settings));
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

/** The active bypass, for a DataSource that checks who audited it. */
export function currentBypass(): BypassMark | undefined {
  return currentStore()?.[BYPASS_CLS_KEY];
}

/**
 * For the request pipeline only: writes the decision into the store that the
 * request's own CLS context created, so that every later stage of the same
 * request (which captured that store before the guard ran) sees it. One read
 * of the store: the module's settings, the tenant (validated against those
 * settings; it ends a bypass assigned earlier, say by a guard subclass, as
 * everywhere else) and the mark of an audited bypass (the mark follows the record).
 */
export function assignRequestDecision(settings: TenantContextSettings, tenantId: string | undefined, bypass: BypassMark | undefined): void {
  const store = currentStore();
  keptTenantFits(settings, store);
  const patch: Partial<TenantStore> = { [SETTINGS_CLS_KEY]: settings };
  if (tenantId !== undefined) {
    patch[TENANT_CLS_KEY] = assertValidTenantId(tenantId, settings.tenantIdPattern);
    patch[BYPASS_CLS_KEY] = undefined;
  }
  if (bypass) patch[BYPASS_CLS_KEY] = bypass;
  if (store) Object.assign(store, patch);
  else enterCopy(patch);
}
