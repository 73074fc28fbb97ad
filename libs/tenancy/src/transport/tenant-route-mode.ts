import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { TENANT_ROUTE_MODE_METADATA } from '../constants.js';

/**
 * `required` (default): no tenant, no handler. `optional`: the tenant is used
 * when the request names one. `bypass`: the filter is off, if `canBypass` allows.
 */
export type TenantRouteMode = 'required' | 'optional' | 'bypass';

/** The handler's mark wins over its controller's. */
function routeModeOf(reflector: Reflector, context: ExecutionContext): TenantRouteMode {
  return (
    reflector.getAllAndOverride<TenantRouteMode | undefined>(TENANT_ROUTE_MODE_METADATA, [context.getHandler(), context.getClass()]) ??
    'required'
  );
}

/**
 * routeModeOf, read once per controller class and handler, as Nest reads a
 * route's guards and interceptors once: the marks are decorators, set when
 * the class is defined. Keyed by class and handler both, since a handler
 * inherited by two controllers may run under different class marks.
 */
export class RouteModes {
  private readonly byClass = new WeakMap<object, WeakMap<object, TenantRouteMode>>();

  constructor(private readonly reflector: Reflector) {}

  of(context: ExecutionContext): TenantRouteMode {
    const type = context.getClass();
    const handler = context.getHandler();
    let modes = this.byClass.get(type);
    const known = modes?.get(handler);
    if (known !== undefined) return known;
    const mode = routeModeOf(this.reflector, context);
    if (!modes) this.byClass.set(type, (modes = new WeakMap()));
    modes.set(handler, mode);
    return mode;
  }
}
