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
} from './tenant-store.js';

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

  bypass<T>(fn: () => T, options?: BypassOptions): T {
    return bypassTenantFilter(fn, options);
  }

  isBypassed(): boolean {
    return isTenantFilterBypassed();
  }
}
