import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { TENANT_ROUTE_MODE_METADATA } from '../constants.js';

/**
 * `required` (default): no tenant, no handler. `optional`: the tenant is used
 * when the request names one. `bypass`: the filter is off, if `canBypass` allows.
 */
export type TenantRouteMode = 'required' | 'optional' | 'bypass';

/** The handler's mark wins over its controller's. */
export function routeModeOf(reflector: Reflector, context: ExecutionContext): TenantRouteMode {
  return (
    reflector.getAllAndOverride<TenantRouteMode | undefined>(TENANT_ROUTE_MODE_METADATA, [context.getHandler(), context.getClass()]) ??
    'required'
  );
}
