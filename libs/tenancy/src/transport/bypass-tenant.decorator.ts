import { SetMetadata } from '@nestjs/common';
import { TENANT_ROUTE_MODE_METADATA } from '../constants.js';

/**
 * Class or handler: the route runs with the tenant filter bypassed, only when
 * the `canBypass(ctx)` option allows it for this caller; otherwise 403 and the
 * handler does not run. Every bypassed request goes to the audit sink.
 */
export function BypassTenant(): ClassDecorator & MethodDecorator {
  return SetMetadata(TENANT_ROUTE_MODE_METADATA, 'bypass');
}
