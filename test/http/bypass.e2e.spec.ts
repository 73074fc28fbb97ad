import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeaderTenantResolver, JwtTenantResolver, TenantContext, type TenantAuditEvent } from 'nestjs-tenancy';
import { CATALOG_CONTROLLERS } from './support/catalog.controllers.js';
import { createHttpApp, TARGETS, type HttpTestApp } from './support/http-app.js';
import { seedProducts } from './support/seed.js';
import { AUDIENCE, bearer, HS_SECRET, ISSUER, signToken, tamperedToken } from './support/tokens.js';

const SEED = { a: ['A1', 'A2'], b: ['B1'] };
const jwt = () => new JwtTenantResolver({ secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE });

describe.each(TARGETS)('@BypassTenant with canBypass on $name', (target) => {
  let t: HttpTestApp;
  const audit: TenantAuditEvent[] = [];
  let admin: string;
  let user: string;

  beforeAll(async () => {
    t = await createHttpApp(target, {
      controllers: CATALOG_CONTROLLERS,
      tenancy: {
        resolvers: [jwt(), new HeaderTenantResolver()],
        canBypass: ({ principal }) => principal?.claims.role === 'admin',
        audit: { record: (event) => void audit.push(event) },
      },
    });
    const context = t.app.get(TenantContext);
    await seedProducts(t.dataSource, SEED, (fn, options) => context.bypass(fn, options));
    admin = await signToken({ sub: 'root', role: 'admin' });
    user = await signToken({ sub: 'alice', role: 'user', tenant_id: 'a' });
    audit.length = 0;
  });
  afterAll(() => t?.close());

  it('an admin runs a class-level bypass route across all tenants, and it is audited (who, route, time)', async () => {
    const before = Date.now();
    const res = await request(t.server).get('/admin/products?secret=do-not-log').set(bearer(admin)).expect(200);
    expect(res.body.bypassed).toBe(true);
    expect(res.body.products.map((p: { tenantId: string }) => p.tenantId).sort()).toEqual(['a', 'a', 'b']);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      type: 'tenancy.bypass',
      tenantId: undefined,
      details: { actor: 'root', route: 'GET /admin/products', transport: 'http', requestedTenant: null },
    });
    expect(audit[0].at.getTime()).toBeGreaterThanOrEqual(before);
    expect(JSON.stringify(audit[0])).not.toContain('do-not-log');
  });

  it('the audit record names the tenant header the admin sent', async () => {
    audit.length = 0;
    await request(t.server).get('/admin/products').set(bearer(admin)).set('x-tenant-id', 'b').expect(200);
    expect(audit[0].details).toMatchObject({ actor: 'root', requestedTenant: 'b' });
  });

  it('a handler-level bypass works in an otherwise tenant-scoped controller', async () => {
    expect((await request(t.server).get('/reports/count').set(bearer(admin)).expect(200)).body).toEqual({ count: 3 });
    expect((await request(t.server).get('/reports/mine').set(bearer(user)).expect(200)).body).toEqual({ count: 2 });
  });

  it.each([
    ['a tenant user', () => bearer(user)],
    ['a header only', () => ({ 'x-tenant-id': 'a' })],
    ['no credentials at all', () => ({})],
  ])('bypass denied for %s: 403 TENANT_BYPASS_FORBIDDEN, nothing runs, nothing audited', async (_who, headers) => {
    audit.length = 0;
    t.statements.reset();
    const res = await request(t.server).get('/admin/products').set(headers()).expect(403);
    expect(res.body).toEqual({ statusCode: 403, error: 'Forbidden', code: 'TENANT_BYPASS_FORBIDDEN', message: expect.any(String) });
    expect(res.text).not.toContain('B1');
    expect(t.statements.statements).toEqual([]);
    expect(audit).toEqual([]);
    await request(t.server).get('/reports/count').set(headers()).expect(403);
  });

  it('a forged admin claim is a bad token (401), not a bypass', async () => {
    const forged = tamperedToken(user, { role: 'admin' });
    const res = await request(t.server).get('/admin/products').set(bearer(forged)).expect(401);
    expect(res.body.code).toBe('TENANT_TOKEN_INVALID');
    expect(audit.filter((e) => e.details?.route === 'GET /admin/products' && e.details.actor === 'alice')).toEqual([]);
  });
});

describe.each(TARGETS)('@BypassTenant without a canBypass option on $name', (target) => {
  let t: HttpTestApp;

  beforeAll(async () => {
    t = await createHttpApp(target, { controllers: CATALOG_CONTROLLERS, tenancy: { resolvers: [jwt()] } });
    await seedProducts(t.dataSource, SEED);
  });
  afterAll(() => t?.close());

  it('no route ever bypasses: even an admin token is 403', async () => {
    const admin = await signToken({ sub: 'root', role: 'admin' });
    t.statements.reset();
    const res = await request(t.server).get('/admin/products').set(bearer(admin)).expect(403);
    expect(res.body.code).toBe('TENANT_BYPASS_FORBIDDEN');
    expect(t.statements.statements).toEqual([]);
  });
});
