import { SetMetadata } from '@nestjs/common';
import { TENANT_ROUTE_MODE_METADATA } from '../constants.js';

/**
 * Class or handler: the route needs no tenant (health, login, docs). A tenant
 * the request does name is still checked and used; queries on tenant-scoped
 * entities without one still fail closed.
 */
export function TenantOptional(): ClassDecorator & MethodDecorator {
  return SetMetadata(TENANT_ROUTE_MODE_METADATA, 'optional');
}
