import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeaderTenantResolver, JwtTenantResolver, TenantValidator, type TenantValidationContext } from 'nestjs-tenancy';
import { CATALOG_CONTROLLERS, MistakesController } from './support/catalog.controllers.js';
import { createHttpApp, TARGETS, type HttpTestApp } from './support/http-app.js';
import { allProducts, seedProducts } from './support/seed.js';
import { AUDIENCE, bearer, HS_SECRET, ISSUER, signToken } from './support/tokens.js';

const BODY_KEYS = ['code', 'error', 'message', 'statusCode'];

describe.each(TARGETS)('error table and validateTenant on $name', (target) => {
  let t: HttpTestApp;
  const active = new Set(['a', 'c']);
  const calls: { tenantId: string; subject: string | undefined }[] = [];

  beforeAll(async () => {
    t = await createHttpApp(target, {
      controllers: [...CATALOG_CONTROLLERS, MistakesController],
      tenancy: {
        resolvers: [new HeaderTenantResolver(), new JwtTenantResolver({ secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE })],
        validateTenant: async (tenantId: string, ctx: TenantValidationContext) => {
          calls.push({ tenantId, subject: ctx.principal?.subject });
          return active.has(tenantId);
        },
        // The app names the caller part of the key: the token's subject, '' for header-only callers.
        validationCache: { ttl: 60_000, max: 100, key: (_tenantId, ctx) => ctx.principal?.subject ?? '' },
      },
    });
    await seedProducts(t.dataSource, { a: ['A1'], b: ['B1'], c: ['C1'] });
  });
  afterAll(() => t?.close());

  const get = (headers: Record<string, string>) => request(t.server).get('/products').set(headers);

  it.each([
    ['no tenant', 400, 'TENANT_REQUIRED', {}],
    ['malformed id', 400, 'TENANT_INVALID', { 'x-tenant-id': '../etc' }],
    ['unknown tenant', 404, 'TENANT_UNKNOWN', { 'x-tenant-id': 'nosuch' }],
    ['inactive tenant', 404, 'TENANT_UNKNOWN', { 'x-tenant-id': 'b' }],
    ['bad token', 401, 'TENANT_TOKEN_INVALID', { authorization: 'Bearer abc.def.ghi' }],
  ] as const)('%s: %i %s with exactly { statusCode, error, code, message }', async (_name, status, code, headers) => {
    t.statements.reset();
    const res = await get(headers).expect(status);
    expect(Object.keys(res.body).sort()).toEqual(BODY_KEYS);
    expect(res.body).toMatchObject({ statusCode: status, code });
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(t.statements.statements).toEqual([]);
  });

  it("tenant outside the token's list: 403 TENANT_FORBIDDEN", async () => {
    const res = await get({ ...bearer(await signToken({ sub: 'u', tenant_id: ['a'] })), 'x-tenant-id': 'c' }).expect(403);
    expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden', code: 'TENANT_FORBIDDEN' });
  });

  it('a TenantIsolationError raised in a handler (foreign tenantId written) is 403, never 500', async () => {
    const res = await request(t.server)
      .post('/products')
      .set('x-tenant-id', 'a')
      .send({ name: 'X', sku: 'x-1', tenantId: 'c' })
      .expect(403);
    expect(res.body).toEqual({ statusCode: 403, error: 'Forbidden', code: 'TENANT_MISMATCH', message: expect.any(String) });
    expect((await allProducts(t.dataSource)).map((p) => p.name)).not.toContain('X');
  });

  it('moving a row to another tenant from a handler is 403, never 500, and nothing moves', async () => {
    const [a1] = (await allProducts(t.dataSource)).filter((p) => p.name === 'A1');
    const res = await request(t.server).put(`/products/${a1.id}`).set('x-tenant-id', 'a').send({ tenantId: 'c' }).expect(403);
    expect(['TENANT_MISMATCH', 'TENANT_MOVE']).toContain(res.body.code);
    expect((await allProducts(t.dataSource)).find((p) => p.id === a1.id)?.tenantId).toBe('a');
  });

  it("a query the filter cannot check, written by the app's developer, is 500 (the server's fault), never 403, and runs nothing", async () => {
    const before = (await allProducts(t.dataSource)).length;
    const res = await request(t.server).post('/mistakes/clear-table').set('x-tenant-id', 'a').expect(500);
    expect(res.body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      code: 'TENANT_UNSUPPORTED_QUERY',
      message: expect.not.stringMatching(/clearTable|products|bypassTenantFilter/),
    });
    expect(await allProducts(t.dataSource)).toHaveLength(before);
  });

  it('a misconfiguration found at run time is 500 TENANCY_CONFIGURATION with the fixed body, not a 4xx', async () => {
    const res = await request(t.server).get('/mistakes/tenant-schemas').set('x-tenant-id', 'a').expect(500);
    expect(res.body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      code: 'TENANCY_CONFIGURATION',
      message: expect.any(String),
    });
    expect(res.body.message).not.toMatch(/strategy|SchemaTenancyService/);
  });

  it('an optional route that queries tenant data without a tenant fails closed (400), never 500', async () => {
    const res = await request(t.server).get('/health/products').expect(400);
    expect(res.body.code).toBe('TENANT_REQUIRED');
    expect(Object.keys(res.body).sort()).toEqual(BODY_KEYS);
  });

  it('validateTenant answers are cached, per tenant and app-given caller key, and invalidate(tenantId) drops them', async () => {
    const validator = t.app.get(TenantValidator);
    validator.clear();
    calls.length = 0;
    await get({ 'x-tenant-id': 'a' }).expect(200);
    await get({ 'x-tenant-id': 'a' }).expect(200);
    expect(calls).toEqual([{ tenantId: 'a', subject: undefined }]);
    // Another caller key for the same tenant is asked about separately.
    await get(bearer(await signToken({ sub: 'alice', tenant_id: 'a' }))).expect(200);
    expect(calls).toHaveLength(2);
    // Activating a tenant takes effect once its cached "no" is invalidated.
    await get({ 'x-tenant-id': 'b' }).expect(404);
    active.add('b');
    await get({ 'x-tenant-id': 'b' }).expect(404);
    validator.invalidate('b');
    await get({ 'x-tenant-id': 'b' }).expect(200);
    // Deactivating likewise.
    active.delete('b');
    validator.invalidate('b');
    await get({ 'x-tenant-id': 'b' }).expect(404);
  });
});

describe.each(TARGETS)('validateTenant cache expiry on $name', (target) => {
  let t: HttpTestApp;
  let calls = 0;

  beforeAll(async () => {
    t = await createHttpApp(target, {
      controllers: CATALOG_CONTROLLERS,
      tenancy: { validateTenant: () => (calls++, true), validationCache: { ttl: 300, key: () => '' } },
    });
  });
  afterAll(() => t?.close());

  it('a cached answer is asked again after the TTL', async () => {
    await request(t.server).get('/products').set('x-tenant-id', 'a').expect(200);
    await request(t.server).get('/products').set('x-tenant-id', 'a').expect(200);
    expect(calls).toBe(1);
    await sleep(400);
    await request(t.server).get('/products').set('x-tenant-id', 'a').expect(200);
    expect(calls).toBe(2);
  });
});
