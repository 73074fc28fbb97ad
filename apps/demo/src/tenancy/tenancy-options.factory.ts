import { UnauthorizedException } from '@nestjs/common';
import {
  HeaderTenantResolver,
  type TenantConcurrencyOptions,
  JwtTenantResolver,
  type TenancyModuleOptions,
  type TenantAuditSink,
  type TenantBypassContext,
} from 'nestjs-tenancy';
import { ADMIN_ROLE, DEMO_JWT_ALGORITHM, DEMO_JWT_AUDIENCE, DEMO_JWT_ISSUER, ROLE_CLAIM, TENANTS_CLAIM } from '../auth/demo-jwt.js';
import type { DemoConfig } from '../config/demo-config.js';
import type { OrganizationsService } from '../organizations/organizations.service.js';

export interface DemoTenancyDeps {
  config: DemoConfig;
  organizations: OrganizationsService;
  /** The command-line demo prints audit lines itself; the server logs them. */
  audit?: TenantAuditSink;
}

/**
 * Admin routes answer 401 to an anonymous caller (who should get a token)
 * and 403 (the library's refusal) to a caller whose token is not an admin's.
 */
function canBypass({ principal }: TenantBypassContext): boolean {
  if (!principal) throw new UnauthorizedException('Admin routes need a bearer token: npm run demo:token -- --admin');
  return principal.claims[ROLE_CLAIM] === ADMIN_ROLE;
}

/** TypeORM's default pool when POOL_SIZE is unset. */
const DEFAULT_POOL_SIZE = 10;

/**
 * PostgreSQL only (SQLite has one connection and no pool to share): by
 * default a tenant may hold half the pool, so one stalled tenant leaves the
 * other half to everyone else. Waiting 1 s for a slot, then 503 TENANT_BUSY.
 */
function tenantConcurrency(config: DemoConfig): TenantConcurrencyOptions | false {
  if (!config.databaseUrl) return false;
  const max = config.tenantMaxConnections ?? Math.floor((config.poolSize ?? DEFAULT_POOL_SIZE) / 2);
  return max > 0 ? { max, queueTimeoutMs: 1_000, retryAfterSeconds: 1 } : false;
}

export function tenancyOptions({ config, organizations, audit }: DemoTenancyDeps): TenancyModuleOptions {
  return {
    strategy: config.strategy,
    citus: config.citus,
    onMissingTenant: 'throw',
    resolvers: [
      // A verified token first: when present, the header can only pick among the tenants it grants.
      new JwtTenantResolver({
        secret: config.jwtSecret,
        algorithms: [DEMO_JWT_ALGORITHM],
        issuer: DEMO_JWT_ISSUER,
        audience: DEMO_JWT_AUDIENCE,
        claim: TENANTS_CLAIM,
      }),
      // The FastAPI guide's X-Tenant-ID header, trusted only as far as validateTenant checks it.
      new HeaderTenantResolver({ header: 'x-tenant-id' }),
    ],
    // The FastAPI guide's "dependency approach": the tenant must be a known, active organization.
    validateTenant: (tenantId) => organizations.isActive(tenantId),
    // The answer depends on the tenant only (known and active), never on the caller: every caller may share it.
    validationCache: { key: () => '' },
    canBypass,
    tenantConcurrency: tenantConcurrency(config),
    ...(audit ? { audit } : {}),
  };
}
