import { Injectable } from '@nestjs/common';
import {
  bypassTenantFilter,
  clearCurrentTenant,
  getCurrentTenant,
  isTenantFilterBypassed,
  requireTenant,
  runWithTenant,
  setCurrentTenant,
  type BypassOptions,
} from '../context/tenant-store.js';

/** The tenant context as an injectable singleton; state lives in CLS. */
@Injectable()
export class TenantContext {
  getTenantId(): string | undefined {
    return getCurrentTenant();
  }

  requireTenantId(): string {
    return requireTenant();
  }

  setTenantId(tenantId: string): void {
    setCurrentTenant(tenantId);
  }

  clear(): void {
    clearCurrentTenant();
  }

  run<T>(tenantId: string, fn: () => T): T {
    return runWithTenant(tenantId, fn);
  }

  /** See bypassTenantFilter: with an asynchronous audit sink the result is a Promise. */
  bypass<T>(fn: () => Promise<T>, options?: BypassOptions): Promise<T>;
  bypass<T>(fn: () => T, options?: BypassOptions): T | Promise<T>;
  bypass<T>(fn: () => T, options?: BypassOptions): T | Promise<T> {
    return bypassTenantFilter(fn, options);
  }

  isBypassed(): boolean {
    return isTenantFilterBypassed();
  }
}
