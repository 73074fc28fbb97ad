import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG_CONTROLLERS } from './support/catalog.controllers.js';
import { createHttpApp, TARGETS, type HttpTestApp } from './support/http-app.js';
import { seedProducts } from './support/seed.js';

describe.each(TARGETS)('header resolver (default x-tenant-id) on $name', (target) => {
  let t: HttpTestApp;

  beforeAll(async () => {
    t = await createHttpApp(target, { controllers: CATALOG_CONTROLLERS });
    await seedProducts(t.dataSource, { a: ['A1', 'A2'], b: ['B1'] });
  });
  afterAll(() => t?.close());

  it('serves only the tenant named by x-tenant-id', async () => {
    const res = await request(t.server).get('/products').set('x-tenant-id', 'a').expect(200);
    expect(res.body).toEqual({
      tenant: 'a',
      contextTenant: 'a',
      products: [
        { name: 'A1', tenantId: 'a' },
        { name: 'A2', tenantId: 'a' },
      ],
    });
    const b = await request(t.server).get('/products').set('x-tenant-id', 'b').expect(200);
    expect(b.body.products).toEqual([{ name: 'B1', tenantId: 'b' }]);
  });

  it('a request without a tenant never reaches the handler: 400 TENANT_REQUIRED', async () => {
    t.statements.reset();
    const res = await request(t.server).get('/products').expect(400);
    expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', code: 'TENANT_REQUIRED', message: expect.any(String) });
    expect(t.statements.statements).toEqual([]);
  });

  it('a malformed tenant id is 400 TENANT_INVALID and is not echoed', async () => {
    const res = await request(t.server).get('/products').set('x-tenant-id', "a' OR '1'='1").expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'TENANT_INVALID' });
    expect(JSON.stringify(res.body)).not.toContain('OR');
  });

  it('a repeated x-tenant-id header is refused (400), neither copy obeyed', async () => {
    // superagent sends an array as repeated header lines; its types allow that for Cookie only.
    const twice = ['a', 'b'] as unknown as string;
    const res = await request(t.server).get('/products').set('x-tenant-id', twice).expect(400);
    expect(res.body.code).toBe('TENANT_INVALID');
  });

  it('@TenantOptional routes run without a tenant', async () => {
    const res = await request(t.server).get('/health').expect(200);
    expect(res.body).toEqual({ ok: true, tenant: null });
  });
});
