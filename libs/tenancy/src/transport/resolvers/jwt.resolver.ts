import { jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import { TenancyConfigurationError } from '../../errors/tenancy-configuration.error.js';
import { tokenInvalid } from '../../errors/tenant-access.errors.js';
import type { TenantRequest } from '../tenant-request.js';
import type { TenantPrincipal, TenantResolution, TenantResolver } from '../tenant-resolver.interface.js';
import { bearerToken } from './bearer-token.js';
import { DEFAULT_TENANT_HEADER } from './header.resolver.js';
import type { MaybePromise } from '../maybe-promise.js';
import { jwtKey, type JwtKey, type JwtKeyOptions } from './jwt-key.js';
import { VerifiedTokenCache, type VerifiedTokenCacheOptions } from './verified-token.cache.js';

/** What a verified token yields, derived once and shared (frozen) by every request that sends it. */
interface VerifiedToken {
  allowedTenants: readonly string[];
  principal: TenantPrincipal;
}

export interface JwtTenantResolverOptions extends JwtKeyOptions {
  issuer?: string | string[];
  audience?: string | string[];
  /** Claim holding one tenant id or a list of them. A string[] is a path into nested claims. Default `tenant_id`. */
  claim?: string | string[];
  /** Header that picks one tenant of the token's list. Default `x-tenant-id`. */
  tenantHeader?: string;
  /** Seconds of clock skew accepted on `exp` and `nbf`. Default 5. */
  clockTolerance?: number;
  /** Refuse tokens without `exp`. Default `true`: a token that never expires cannot be revoked. */
  requireExpiration?: boolean;
  /** Reuse the verification of a token seen before (never past its `exp`). Default `{ max: 1000, ttl: 60_000 }`; `false` verifies every time. */
  verifiedTokenCache?: VerifiedTokenCacheOptions | false;
}

/**
 * The tenant from a verified `Authorization: Bearer` JWT. Signature, algorithm
 * (allow-list only, never `none`), `iss`, `aud`, `exp` and `nbf` are checked
 * before any claim is read; a token that fails is a 401, never ignored.
 */
export class JwtTenantResolver implements TenantResolver {
  readonly verifiesCredential = true;
  private readonly key: JwtKey;
  private readonly verifyOptions: JWTVerifyOptions;
  private readonly claimPath: readonly string[];
  private readonly tenantHeader: string;
  private readonly verified: VerifiedTokenCache<VerifiedToken>;

  constructor(options: JwtTenantResolverOptions) {
    this.key = jwtKey(options ?? {});
    const claim = options.claim ?? 'tenant_id';
    this.claimPath = typeof claim === 'string' ? [claim] : claim;
    if (this.claimPath.length === 0 || this.claimPath.some((part) => typeof part !== 'string' || part === '')) {
      throw new TenancyConfigurationError('resolvers: JwtTenantResolver.claim', 'must be a claim name or a non-empty path of names.');
    }
    this.tenantHeader = (options.tenantHeader ?? DEFAULT_TENANT_HEADER).toLowerCase();
    const clockTolerance = options.clockTolerance ?? 5;
    this.verifyOptions = {
      algorithms: this.key.algorithms,
      issuer: options.issuer,
      audience: options.audience,
      clockTolerance,
      requiredClaims: options.requireExpiration === false ? [] : ['exp'],
    };
    this.verified = new VerifiedTokenCache(
      options.verifiedTokenCache === false ? { ttl: 0 } : (options.verifiedTokenCache ?? {}),
      clockTolerance,
    );
  }

  /** Synchronous for a token verified before (the cache); a refusal always comes as a rejected Promise. */
  resolve(request: TenantRequest): MaybePromise<TenantResolution | undefined> {
    let token: string | undefined;
    try {
      token = bearerToken(request.header('authorization'));
    } catch (error) {
      return Promise.reject(error);
    }
    if (token === undefined) return undefined;
    const cached = this.verified.get(token);
    return cached ? this.resolution(request, cached) : this.verify(token).then((verified) => this.resolution(request, verified));
  }

  private resolution(request: TenantRequest, { allowedTenants, principal }: VerifiedToken): TenantResolution {
    // A header outside the list is passed on, not dropped: the pipeline refuses it (403) instead of silently serving another tenant.
    const chosen = request.header(this.tenantHeader);
    return {
      tenantId: chosen || (allowedTenants.length === 1 ? allowedTenants[0] : undefined),
      allowedTenants,
      principal,
    };
  }

  private async verify(token: string): Promise<VerifiedToken> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key.key, this.verifyOptions));
    } catch {
      // Which check failed is not the client's business, and jose messages may quote claims.
      throw tokenInvalid();
    }
    // A malformed tenant claim throws here, before anything is cached.
    const verified: VerifiedToken = { allowedTenants: this.allowedTenants(payload), principal: { subject: payload.sub, claims: payload } };
    this.verified.set(token, payload, verified);
    return verified;
  }

  /** No claim allows no tenant (an admin token on a bypass route); a malformed one is a bad token. */
  private allowedTenants(payload: JWTPayload): readonly string[] {
    let value: unknown = payload;
    for (const part of this.claimPath) {
      value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
    }
    if (value === undefined) return [];
    const list = Array.isArray(value) ? value : [value];
    if (!list.every((id) => typeof id === 'string')) throw tokenInvalid();
    return list as string[];
  }
}
