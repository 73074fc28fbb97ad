import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeaderTenantResolver, JwtTenantResolver } from 'nestjs-tenancy';
import { CATALOG_CONTROLLERS, type ProductView } from './support/catalog.controllers.js';
import { createHttpApp, TARGETS, type HttpTestApp } from './support/http-app.js';
import { allProducts, seedProducts } from './support/seed.js';
import { AUDIENCE, bearer, HS_SECRET, ISSUER, signToken } from './support/tokens.js';

const TENANTS = Array.from({ length: 20 }, (_, i) => `t${String(i).padStart(2, '0')}`);

describe.each(TARGETS)("a request cannot reach another tenant's data on $name", (target) => {
  let t: HttpTestApp;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    t = await createHttpApp(target, {
      controllers: CATALOG_CONTROLLERS,
      tenancy: {
        resolvers: [new JwtTenantResolver({ secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE }), new HeaderTenantResolver()],
      },
    });
    await seedProducts(t.dataSource, Object.fromEntries(TENANTS.map((id) => [id, [`${id}-p1`, `${id}-p2`, `${id}-p3`]])));
    for (const id of TENANTS) tokens.set(id, await signToken({ sub: `user-of-${id}`, tenant_id: id }));
  });
  afterAll(() => t?.close());

  it('header spoofing: a token for t00 with x-tenant-id t01 is refused (403) and returns nothing of t01', async () => {
    const res = await request(t.server)
      .get('/products')
      .set(bearer(tokens.get('t00')!))
      .set('x-tenant-id', 't01')
      .expect(403);
    expect(res.text).not.toContain('t01-');
  });

  it('a foreign tenantId in a POST body is refused (403) and nothing is written', async () => {
    const before = await allProducts(t.dataSource);
    const res = await request(t.server)
      .post('/products')
      .set(bearer(tokens.get('t00')!))
      .send({ name: 'planted', sku: 'planted-1', tenantId: 't01' })
      .expect(403);
    expect(res.body.code).toBe('TENANT_MISMATCH');
    expect(res.text).not.toContain('t01');
    expect(await allProducts(t.dataSource)).toHaveLength(before.length);
  });

  it("a POST without tenantId is stamped with the request's tenant", async () => {
    const res = await request(t.server)
      .post('/products')
      .set(bearer(tokens.get('t02')!))
      .send({ name: 't02-new', sku: 'n-1' })
      .expect(201);
    expect(res.body).toEqual({ name: 't02-new', tenantId: 't02' });
  });

  it('500 interleaved requests across 20 tenants (reads, writes and attacks): 0 cross-tenant rows', async () => {
    const jobs = Array.from({ length: 500 }, (_, i) => {
      const tenant = TENANTS[(i * 7) % TENANTS.length];
      const other = TENANTS[(i * 7 + 3) % TENANTS.length];
      const auth = i % 2 === 0 ? bearer(tokens.get(tenant)!) : { 'x-tenant-id': tenant };
      if (i % 10 === 3) {
        // An attack: write into another tenant.
        return request(t.server)
          .post('/products')
          .set(auth)
          .send({ name: `${other}-planted-${i}`, sku: `x-${i}`, tenantId: other })
          .then((res) => ({ kind: 'attack' as const, tenant, res }));
      }
      if (i % 10 === 7) {
        return request(t.server)
          .post('/products')
          .set(auth)
          .send({ name: `${tenant}-w${i}`, sku: `w-${i}` })
          .then((res) => ({ kind: 'write' as const, tenant, res }));
      }
      return request(t.server)
        .get('/products')
        .set(auth)
        .then((res) => ({ kind: 'read' as const, tenant, res }));
    });
    const results = await Promise.all(jobs);

    let crossTenantRows = 0;
    for (const { kind, tenant, res } of results) {
      if (kind === 'attack') {
        expect(res.status).toBe(403);
        continue;
      }
      expect(res.status, `${kind} for ${tenant}: ${res.text}`).toBe(kind === 'read' ? 200 : 201);
      if (kind === 'write') {
        expect(res.body.tenantId).toBe(tenant);
        continue;
      }
      expect(res.body.tenant).toBe(tenant);
      expect(res.body.contextTenant).toBe(tenant);
      const rows = res.body.products as ProductView[];
      expect(rows.length).toBeGreaterThanOrEqual(3);
      crossTenantRows += rows.filter((row) => row.tenantId !== tenant || !row.name.startsWith(`${tenant}-`)).length;
    }
    expect(crossTenantRows).toBe(0);

    const stored = await allProducts(t.dataSource);
    expect(stored.filter((p) => p.name.includes('planted'))).toEqual([]);
    expect(stored.filter((p) => !p.name.startsWith(`${p.tenantId}-`))).toEqual([]);
  });
});
