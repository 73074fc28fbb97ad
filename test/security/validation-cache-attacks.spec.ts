import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  HeaderTenantResolver,
  JwtTenantResolver,
  TenantValidator,
  type TenancyModuleOptions,
  type TenantValidationContext,
} from 'nestjs-tenancy';
import { CATALOG_CONTROLLERS } from '../http/support/catalog.controllers.js';
import { createHttpApp, TARGETS, type HttpTestApp } from '../http/support/http-app.js';
import { seedProducts } from '../http/support/seed.js';
import { AUDIENCE, bearer, HS_SECRET, ISSUER, signToken } from '../http/support/tokens.js';
import { PassportLikeModule, requestUserOf } from './support/passport-like.module.js';

/**
 * validateTenant answers "may this caller use this tenant". Its answers are
 * cached; a cache key that does not tell two callers apart gives one
 * caller's answer to the other: alice's yes admits mallory to tenant a, and
 * mallory's no locks alice out. Alice is a member of tenant a, mallory is not,
 * and each identity mechanism below is one the library cannot see into.
 */
interface Identity {
  name: string;
  /** Request headers of a caller identified this way. */
  headers(user: 'alice' | 'mallory'): Promise<Record<string, string>>;
}

const IDENTITIES: Identity[] = [
  { name: "Passport's request.user (session)", headers: async (user) => ({ 'x-user': user, 'x-tenant-id': 'a' }) },
  { name: 'an API key header', headers: async (user) => ({ 'x-api-key': `key-${user}`, 'x-tenant-id': 'a' }) },
  {
    name: 'a verified JWT without sub (identified by its email claim)',
    // Both tokens name tenant a (mallory's membership was revoked after it was issued).
    headers: async (user) => bearer(await signToken({ email: `${user}@example.com`, tenant_id: 'a' })),
  },
];

/** The app's own membership check: only alice, however she was identified, may use tenant a. */
function callerOf(ctx: TenantValidationContext): string | undefined {
  const email = ctx.principal?.claims.email;
  return (
    requestUserOf(ctx.request.raw) ??
    ctx.request.header('x-api-key')?.replace(/^key-/, '') ??
    (typeof email === 'string' ? email.split('@')[0] : undefined) ??
    ctx.principal?.subject
  );
}

function tenancy(extra: TenancyModuleOptions = {}): TenancyModuleOptions {
  return {
    resolvers: [new JwtTenantResolver({ secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE }), new HeaderTenantResolver()],
    validateTenant: (tenantId, ctx) => tenantId === 'a' && callerOf(ctx) === 'alice',
    validationCache: { ttl: 60_000, max: 100 },
    ...extra,
  };
}

describe.each(TARGETS)('validateTenant cache attacks, default cache ($name)', (target) => {
  let t: HttpTestApp;

  beforeAll(async () => {
    t = await createHttpApp(target, { controllers: CATALOG_CONTROLLERS, imports: [PassportLikeModule], tenancy: tenancy() });
    await seedProducts(t.dataSource, { a: ['A1'], b: ['B1'] });
  });
  afterAll(() => t?.close());
  beforeEach(() => t.app.get(TenantValidator).clear());

  const get = (headers: Record<string, string>) => request(t.server).get('/products').set(headers);

  for (const identity of IDENTITIES) {
    it(`[validation-cache-key] ${identity.name}: alice's cached yes does not admit mallory to tenant a`, async () => {
      expect((await get(await identity.headers('alice'))).status).toBe(200);
      const res = await get(await identity.headers('mallory'));
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('A1');
    });

    it(`[validation-cache-key] ${identity.name}: mallory's cached no does not lock alice out of tenant a`, async () => {
      expect((await get(await identity.headers('mallory'))).status).toBe(404);
      const res = await get(await identity.headers('alice'));
      expect([res.status, res.body.tenant]).toEqual([200, 'a']);
      expect(res.text).toContain('A1');
    });
  }

  it("[regression] a verified JWT with sub is cached per subject: alice's yes is not mallory's", async () => {
    const alice = bearer(await signToken({ sub: 'alice', tenant_id: 'a' }));
    const mallory = bearer(await signToken({ sub: 'mallory', tenant_id: 'a' }));
    expect((await get(alice)).status).toBe(200);
    expect((await get(mallory)).status).toBe(404);
    expect((await get(alice)).status).toBe(200);
  });
});

describe.each(TARGETS)('validateTenant cache with an app-given key ($name)', (target) => {
  let t: HttpTestApp;
  const asked: string[] = [];

  beforeAll(async () => {
    const options = tenancy();
    t = await createHttpApp(target, {
      controllers: CATALOG_CONTROLLERS,
      imports: [PassportLikeModule],
      tenancy: tenancy({
        validateTenant: (tenantId, ctx) => (asked.push(callerOf(ctx) ?? '?'), options.validateTenant!(tenantId, ctx)),
        // Sessions are cached per user; callers without a session are never cached.
        validationCache: { ttl: 60_000, max: 100, key: (_tenantId, ctx) => requestUserOf(ctx.request.raw) },
      }),
    });
    await seedProducts(t.dataSource, { a: ['A1'], b: ['B1'] });
  });
  afterAll(() => t?.close());
  beforeEach(() => {
    t.app.get(TenantValidator).clear();
    asked.length = 0;
  });

  const get = (headers: Record<string, string>) => request(t.server).get('/products').set(headers);

  it('[regression] answers are reused per key: alice twice is asked once, mallory is asked and refused', async () => {
    await get({ 'x-user': 'alice', 'x-tenant-id': 'a' }).expect(200);
    await get({ 'x-user': 'alice', 'x-tenant-id': 'a' }).expect(200);
    await get({ 'x-user': 'mallory', 'x-tenant-id': 'a' }).expect(404);
    expect(asked).toEqual(['alice', 'mallory']);
  });

  it('[regression] a key of undefined is never cached: API-key callers are asked every time', async () => {
    await get({ 'x-api-key': 'key-alice', 'x-tenant-id': 'a' }).expect(200);
    await get({ 'x-api-key': 'key-mallory', 'x-tenant-id': 'a' }).expect(404);
    await get({ 'x-api-key': 'key-alice', 'x-tenant-id': 'a' }).expect(200);
    expect(asked).toEqual(['alice', 'mallory', 'alice']);
  });
});
