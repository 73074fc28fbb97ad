import { assertValidTenantId } from '../context/tenant-id.js';
import { tenantForbidden } from '../errors/tenant-access.errors.js';
import { isThenable, type MaybePromise } from './maybe-promise.js';
import type { TenantRequest } from './tenant-request.js';
import type { TenantPrincipal, TenantResolution, TenantResolver } from './tenant-resolver.interface.js';

/** What the configured resolvers agree a request is about. */
export interface ResolvedRequest {
  tenantId: string | undefined;
  principal: TenantPrincipal | undefined;
  /** The principal came from a resolver that verifies a credential (safe to key a cache by). */
  principalVerified: boolean;
  /** A tenant was named that a verified credential does not grant (refused unless the route is an authorised bypass). */
  outsideGrant: boolean;
}

/** What the resolvers said so far. */
class Tally {
  tenantId: string | undefined = undefined;
  principal: TenantPrincipal | undefined = undefined;
  principalVerified = false;
  /** Every grant of a verified credential; usually one, so no array until a second. */
  private grant: readonly string[] | undefined = undefined;
  private moreGrants: (readonly string[])[] | undefined = undefined;

  constructor(private readonly tenantIdPattern: RegExp) {}

  add(resolver: TenantResolver, found: TenantResolution | undefined): void {
    if (!found) return;
    if (this.principal === undefined && found.principal !== undefined) {
      this.principal = found.principal;
      this.principalVerified = resolver.verifiesCredential === true;
    }
    if (found.allowedTenants) {
      if (this.grant === undefined) this.grant = found.allowedTenants;
      else (this.moreGrants ??= []).push(found.allowedTenants);
    }
    if (found.tenantId === undefined) return;
    const id = assertValidTenantId(found.tenantId, this.tenantIdPattern);
    if (this.tenantId !== undefined && id !== this.tenantId) throw tenantForbidden('the request names more than one tenant');
    this.tenantId = id;
  }

  result(): ResolvedRequest {
    // Every tenant named is this one (two different ones were refused above).
    const id = this.tenantId;
    const outsideGrant =
      id !== undefined &&
      ((this.grant !== undefined && !this.grant.includes(id)) || (this.moreGrants?.some((grant) => !grant.includes(id)) ?? false));
    return { tenantId: id, principal: this.principal, principalVerified: this.principalVerified, outsideGrant };
  }
}

/** The rest of the resolvers once one answered with a Promise, in order, each awaited. */
async function resolveRest(
  tally: Tally,
  resolvers: readonly TenantResolver[],
  index: number,
  pending: PromiseLike<TenantResolution | undefined>,
  request: TenantRequest,
): Promise<ResolvedRequest> {
  tally.add(resolvers[index], await pending);
  for (let i = index + 1; i < resolvers.length; i++) tally.add(resolvers[i], await resolvers[i].resolve(request));
  return tally.result();
}

/**
 * Runs every resolver, in order. Every resolver runs even after one named a
 * tenant, because a later credential may restrict what an earlier header may
 * name. Sources naming different tenants are refused, not guessed between.
 * Synchronous as long as every resolver answers synchronously; a failure
 * always comes as a rejected Promise, never thrown.
 */
export function resolveRequest(
  resolvers: readonly TenantResolver[],
  request: TenantRequest,
  tenantIdPattern: RegExp,
): MaybePromise<ResolvedRequest> {
  const tally = new Tally(tenantIdPattern);
  try {
    for (let i = 0; i < resolvers.length; i++) {
      const found = resolvers[i].resolve(request);
      if (isThenable(found)) return resolveRest(tally, resolvers, i, found, request);
      tally.add(resolvers[i], found);
    }
    return tally.result();
  } catch (error) {
    return Promise.reject(error);
  }
}
