import { SignJWT } from 'jose';
import { JWT_AUDIENCE, JWT_ISSUER, JWT_SECRET, TENANTS, TENANTS_CLAIM, tenantId, type ServerKind } from './bench-config.js';

export interface Variant {
  key: 'plain' | 'plain-cls' | 'tenancy-jwt' | 'tenancy-header' | 'tenancy-guard-cls';
  label: string;
  server: ServerKind;
  /** One header set per tenant. */
  headers: Array<Record<string, string>>;
}

/** A token per tenant granting it alone, as an identity provider would issue them. */
async function tokens(): Promise<string[]> {
  const key = new TextEncoder().encode(JWT_SECRET);
  return Promise.all(
    Array.from({ length: TENANTS }, (_, t) =>
      new SignJWT({ [TENANTS_CLAIM]: [tenantId(t)] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(`user-${t}`)
        .setIssuer(JWT_ISSUER)
        .setAudience(JWT_AUDIENCE)
        .setExpirationTime('2h')
        .sign(key),
    ),
  );
}

/** What is measured: the baseline first (ratios are against it); `tenancy-jwt` is the headline. */
export async function benchVariants(): Promise<Variant[]> {
  const signed = await tokens();
  const each = (fn: (t: number) => Record<string, string>) => Array.from({ length: TENANTS }, (_, t) => fn(t));
  const header = (t: number) => ({ 'x-tenant-id': tenantId(t) });
  return [
    { key: 'plain', label: 'plain Nest + TypeORM, tenant from X-Tenant-ID by hand', server: 'plain', headers: each(header) },
    { key: 'plain-cls', label: 'the same plain app + nestjs-cls middleware (no library)', server: 'plain-cls', headers: each(header) },
    {
      key: 'tenancy-jwt',
      label: '**nestjs-tenancy: CLS, guard, verified JWT + X-Tenant-ID, filter**',
      server: 'tenancy',
      headers: each((t) => ({ authorization: `Bearer ${signed[t]}`, ...header(t) })),
    },
    { key: 'tenancy-header', label: 'nestjs-tenancy, X-Tenant-ID only (no token sent)', server: 'tenancy', headers: each(header) },
    {
      key: 'tenancy-guard-cls',
      label: 'nestjs-tenancy, JWT + X-Tenant-ID, no CLS middleware (the guard opens the context)',
      server: 'tenancy-guard-cls',
      headers: each((t) => ({ authorization: `Bearer ${signed[t]}`, ...header(t) })),
    },
  ];
}
