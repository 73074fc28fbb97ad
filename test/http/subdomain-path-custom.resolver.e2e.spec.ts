import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomTenantResolver, HeaderTenantResolver, PathTenantResolver, SubdomainTenantResolver } from 'nestjs-tenancy';
import { CATALOG_CONTROLLERS } from './support/catalog.controllers.js';
import { createHttpApp, TARGETS, type HttpTestApp } from './support/http-app.js';
import { seedProducts } from './support/seed.js';

const SEED = { acme: ['Anvil'], globex: ['Gizmo'] };

describe.each(TARGETS)('subdomain resolver on $name', (target) => {
  let t: HttpTestApp;

  beforeAll(async () => {
    t = await createHttpApp(target, {
      controllers: CATALOG_CONTROLLERS,
      tenancy: { resolvers: [new SubdomainTenantResolver({ baseDomain: 'app.example.com', ignore: ['www'] }), new HeaderTenantResolver()] },
    });
    await seedProducts(t.dataSource, SEED);
  });
  afterAll(() => t?.close());

  it('acme.app.example.com serves tenant acme', async () => {
    const res = await request(t.server).get('/products').set('host', 'acme.app.example.com').expect(200);
    expect(res.body).toMatchObject({ tenant: 'acme', products: [{ name: 'Anvil', tenantId: 'acme' }] });
  });

  it('the port and letter case of the host do not matter', async () => {
    const res = await request(t.server).get('/products').set('host', 'Globex.App.Example.com:8443').expect(200);
    expect(res.body.products).toEqual([{ name: 'Gizmo', tenantId: 'globex' }]);
  });

  it('the bare base domain and ignored labels name no tenant', async () => {
    expect((await request(t.server).get('/products').set('host', 'app.example.com').expect(400)).body.code).toBe('TENANT_REQUIRED');
    expect((await request(t.server).get('/products').set('host', 'www.app.example.com').expect(400)).body.code).toBe('TENANT_REQUIRED');
  });

  it('a deeper sub-domain is not a tenant id: 400 TENANT_INVALID', async () => {
    const res = await request(t.server).get('/products').set('host', 'x.acme.app.example.com').expect(400);
    expect(res.body.code).toBe('TENANT_INVALID');
  });

  it('another domain that merely ends the same way names no tenant', async () => {
    await request(t.server).get('/products').set('host', 'acme.evilapp.example.com').expect(400);
  });

  it('X-Forwarded-Host spoofing is ignored: without a trusted proxy only the Host header counts', async () => {
    const res = await request(t.server)
      .get('/products')
      .set('host', 'acme.app.example.com')
      .set('x-forwarded-host', 'globex.app.example.com')
      .expect(200);
    expect(res.body.products).toEqual([{ name: 'Anvil', tenantId: 'acme' }]);
  });

  it('sources naming different tenants are refused (403), not guessed between', async () => {
    t.statements.reset();
    const res = await request(t.server).get('/products').set('host', 'acme.app.example.com').set('x-tenant-id', 'globex').expect(403);
    expect(res.body.code).toBe('TENANT_FORBIDDEN');
    expect(res.text).not.toContain('Gizmo');
    expect(t.statements.statements).toEqual([]);
  });
});

describe.each(TARGETS)('path parameter and custom resolvers on $name', (target) => {
  let t: HttpTestApp;

  beforeAll(async () => {
    t = await createHttpApp(target, {
      controllers: CATALOG_CONTROLLERS,
      tenancy: {
        resolvers: [
          new PathTenantResolver({ param: 'tenantId' }),
          // e.g. an API key that maps to one tenant.
          new CustomTenantResolver((req) => ({ 'key-acme': 'acme', 'key-globex': 'globex' })[req.header('x-api-key') ?? '']),
        ],
      },
    });
    await seedProducts(t.dataSource, SEED);
  });
  afterAll(() => t?.close());

  it('the :tenantId path parameter names the tenant', async () => {
    const res = await request(t.server).get('/tenants/globex/products').expect(200);
    expect(res.body).toEqual({ param: 'globex', tenant: 'globex', products: [{ name: 'Gizmo', tenantId: 'globex' }] });
  });

  it('a malformed path parameter is 400 TENANT_INVALID', async () => {
    const res = await request(t.server).get('/tenants/a%20b/products').expect(400);
    expect(res.body.code).toBe('TENANT_INVALID');
  });

  it('the custom function names the tenant from its own request data', async () => {
    const res = await request(t.server).get('/products').set('x-api-key', 'key-acme').expect(200);
    expect(res.body.products).toEqual([{ name: 'Anvil', tenantId: 'acme' }]);
    await request(t.server).get('/products').set('x-api-key', 'unknown-key').expect(400);
  });

  it('a path naming one tenant and an API key of another are refused (403)', async () => {
    const res = await request(t.server).get('/tenants/globex/products').set('x-api-key', 'key-acme').expect(403);
    expect(res.text).not.toContain('Gizmo');
  });

  it('x-tenant-id is ignored when no header resolver is configured', async () => {
    await request(t.server).get('/products').set('x-tenant-id', 'acme').expect(400);
  });
});
