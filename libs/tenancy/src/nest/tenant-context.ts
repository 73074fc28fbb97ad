import { Inject, Injectable } from '@nestjs/common';
import { TENANCY_OPTIONS } from '../constants.js';
import { DEFAULT_TENANT_CONTEXT_SETTINGS, type TenantContextSettings } from '../context/tenant-context.settings.js';
import {
  bypassTenantFilter,
  clearCurrentTenant,
  getCurrentTenant,
  isTenantFilterBypassed,
  requireTenant,
  runInTenantContext,
  runWithTenantIn,
  setCurrentTenantWith,
  type BypassOptions,
} from '../context/tenant-store.js';
import type { ResolvedTenancyOptions } from './tenancy-options.interface.js';

/**
 * The tenant context as an injectable singleton; state lives in CLS. Unlike
 * the free functions, which use the settings of the context they run in, it
 * always applies its module's settings (tenantIdPattern, audit sink): use it
 * from code that runs outside a request, such as jobs and event handlers.
 */
@Injectable()
export class TenantContext {
  private readonly settings: TenantContextSettings;

  /** Always injected by TenancyModule; `new TenantContext()` outside Nest gets the fail-closed defaults. */
  constructor(@Inject(TENANCY_OPTIONS) options: Pick<ResolvedTenancyOptions, 'context'> = { context: DEFAULT_TENANT_CONTEXT_SETTINGS }) {
    this.settings = options.context;
  }

  getTenantId(): string | undefined {
    return getCurrentTenant();
  }

  requireTenantId(): string {
    return requireTenant();
  }

  /** Sets the tenant, and this module's settings, for the rest of the current async flow. */
  setTenantId(tenantId: string): void {
    setCurrentTenantWith(this.settings, tenantId);
  }

  clear(): void {
    clearCurrentTenant();
  }

  run<T>(tenantId: string, fn: () => T): T {
    return runWithTenantIn(this.settings, tenantId, fn);
  }

  /** See bypassTenantFilter: with an asynchronous audit sink the result is a Promise. */
  bypass<T>(fn: () => Promise<T>, options?: BypassOptions): Promise<T>;
  bypass<T>(fn: () => T, options?: BypassOptions): T | Promise<T>;
  bypass<T>(fn: () => T, options?: BypassOptions): T | Promise<T> {
    return runInTenantContext(this.settings, () => bypassTenantFilter(fn, options));
  }

  isBypassed(): boolean {
    return isTenantFilterBypassed();
  }
}
