import { assertValidTenantId } from '../context/tenant-id.js';
import { tenantForbidden } from '../errors/tenant-access.errors.js';
import type { TenantRequest } from './tenant-request.js';
import type { TenantPrincipal, TenantResolver } from './tenant-resolver.interface.js';

/** What the configured resolvers agree a request is about. */
export interface ResolvedRequest {
  tenantId: string | undefined;
  principal: TenantPrincipal | undefined;
  /** The principal came from a resolver that verifies a credential (safe to key a cache by). */
  principalVerified: boolean;
  /** A tenant was named that a verified credential does not grant (refused unless the route is an authorised bypass). */
  outsideGrant: boolean;
}

/**
 * Runs every resolver, in order. Every resolver runs even after one named a
 * tenant, because a later credential may restrict what an earlier header may
 * name. Sources naming different tenants are refused, not guessed between.
 */
export async function resolveRequest(
  resolvers: readonly TenantResolver[],
  request: TenantRequest,
  tenantIdPattern: RegExp,
): Promise<ResolvedRequest> {
  let tenantId: string | undefined;
  let principal: TenantPrincipal | undefined;
  let principalVerified = false;
  const named: string[] = [];
  const grants: (readonly string[])[] = [];
  for (const resolver of resolvers) {
    const found = await resolver.resolve(request);
    if (!found) continue;
    if (principal === undefined && found.principal !== undefined) {
      principal = found.principal;
      principalVerified = resolver.verifiesCredential === true;
    }
    if (found.allowedTenants) grants.push(found.allowedTenants);
    if (found.tenantId === undefined) continue;
    const id = assertValidTenantId(found.tenantId, tenantIdPattern);
    if (tenantId !== undefined && id !== tenantId) throw tenantForbidden('the request names more than one tenant');
    tenantId = id;
    named.push(id);
  }
  const outsideGrant = named.some((id) => grants.some((grant) => !grant.includes(id)));
  return { tenantId, principal, principalVerified, outsideGrant };
}
