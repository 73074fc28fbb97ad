import { exportJWK } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeaderTenantResolver, JwtTenantResolver } from 'nestjs-tenancy';
import { CATALOG_CONTROLLERS } from './support/catalog.controllers.js';
import { createHttpApp, TARGETS, type HttpTestApp } from './support/http-app.js';
import { seedProducts } from './support/seed.js';
import { asymmetricKeys, AUDIENCE, bearer, HS_SECRET, ISSUER, signToken } from './support/tokens.js';

const SEED = { a: ['A1'], b: ['B1'], c: ['C1'] };
const hs = () => new JwtTenantResolver({ secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE });

describe.each(TARGETS)('JWT resolver, HS256 secret, on $name', (target) => {
  let t: HttpTestApp;

  beforeAll(async () => {
    t = await createHttpApp(target, { controllers: CATALOG_CONTROLLERS, tenancy: { resolvers: [hs()] } });
    await seedProducts(t.dataSource, SEED);
  });
  afterAll(() => t?.close());

  it('a token with one tenant_id serves that tenant', async () => {
    const res = await request(t.server)
      .get('/products')
      .set(bearer(await signToken({ sub: 'u1', tenant_id: 'a' })))
      .expect(200);
    expect(res.body).toMatchObject({ tenant: 'a', products: [{ name: 'A1', tenantId: 'a' }] });
  });

  it('a token with a list of tenants: the x-tenant-id header picks one of them', async () => {
    const token = await signToken({ sub: 'u2', tenant_id: ['a', 'b'] });
    const b = await request(t.server).get('/products').set(bearer(token)).set('x-tenant-id', 'b').expect(200);
    expect(b.body.products).toEqual([{ name: 'B1', tenantId: 'b' }]);
    const a = await request(t.server).get('/products').set(bearer(token)).set('x-tenant-id', 'a').expect(200);
    expect(a.body.products).toEqual([{ name: 'A1', tenantId: 'a' }]);
  });

  it("a header outside the token's list is 403 TENANT_FORBIDDEN, never obeyed", async () => {
    const token = await signToken({ sub: 'u2', tenant_id: ['a', 'b'] });
    t.statements.reset();
    const res = await request(t.server).get('/products').set(bearer(token)).set('x-tenant-id', 'c').expect(403);
    expect(res.body).toEqual({ statusCode: 403, error: 'Forbidden', code: 'TENANT_FORBIDDEN', message: expect.any(String) });
    expect(JSON.stringify(res.body)).not.toContain('C1');
    expect(t.statements.statements).toEqual([]);
  });

  it('a header contradicting a single-tenant token is 403, never obeyed', async () => {
    const token = await signToken({ sub: 'u1', tenant_id: 'a' });
    await request(t.server).get('/products').set(bearer(token)).set('x-tenant-id', 'b').expect(403);
  });

  it('a list without a header choosing is 401 TENANT_REQUIRED in JWT-only mode', async () => {
    const token = await signToken({ sub: 'u2', tenant_id: ['a', 'b'] });
    const res = await request(t.server).get('/products').set(bearer(token)).expect(401);
    expect(res.body.code).toBe('TENANT_REQUIRED');
  });

  it('no token at all is 401 TENANT_REQUIRED in JWT-only mode, with WWW-Authenticate', async () => {
    const res = await request(t.server).get('/products').set('x-tenant-id', 'a').expect(401);
    expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', code: 'TENANT_REQUIRED', message: expect.any(String) });
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('a token without the tenant claim grants no tenant', async () => {
    const token = await signToken({ sub: 'u3' });
    await request(t.server).get('/products').set(bearer(token)).expect(401);
    await request(t.server).get('/products').set(bearer(token)).set('x-tenant-id', 'a').expect(403);
  });
});

describe.each(TARGETS)('JWT resolver next to a header resolver on $name', (target) => {
  let t: HttpTestApp;

  beforeAll(async () => {
    t = await createHttpApp(target, {
      controllers: CATALOG_CONTROLLERS,
      tenancy: { resolvers: [new HeaderTenantResolver(), hs()] },
    });
    await seedProducts(t.dataSource, SEED);
  });
  afterAll(() => t?.close());

  it('header spoofing against a JWT: the header resolver runs first and is still refused (403)', async () => {
    const token = await signToken({ sub: 'u1', tenant_id: 'a' });
    const res = await request(t.server).get('/products').set(bearer(token)).set('x-tenant-id', 'b').expect(403);
    expect(res.body.code).toBe('TENANT_FORBIDDEN');
    expect(JSON.stringify(res.body)).not.toContain('B1');
  });

  it('with a token the header may name an allowed tenant; without a token, no tenant is 400 (not JWT-only)', async () => {
    const token = await signToken({ sub: 'u1', tenant_id: 'a' });
    await request(t.server).get('/products').set(bearer(token)).set('x-tenant-id', 'a').expect(200);
    const res = await request(t.server).get('/products').expect(400);
    expect(res.body.code).toBe('TENANT_REQUIRED');
  });
});

describe.each(TARGETS)('JWT resolver with public keys and a local JWKS on $name', (target) => {
  let t: HttpTestApp;
  let rs: Awaited<ReturnType<typeof asymmetricKeys>>;
  let es: Awaited<ReturnType<typeof asymmetricKeys>>;

  beforeAll(async () => {
    rs = await asymmetricKeys('RS256');
    es = await asymmetricKeys('ES256');
    const jwks = { keys: [{ ...(await exportJWK(es.publicKey)), kid: 'es-1', alg: 'ES256' }] };
    t = await createHttpApp(target, {
      controllers: CATALOG_CONTROLLERS,
      tenancy: {
        resolvers: [new JwtTenantResolver({ jwks, algorithms: ['ES256'], issuer: ISSUER, audience: AUDIENCE, claim: ['org', 'ids'] })],
      },
    });
    await seedProducts(t.dataSource, SEED);
  });
  afterAll(() => t?.close());

  it('ES256 token whose kid is in the local JWKS; tenant list at a nested claim path', async () => {
    const token = await signToken({ sub: 'svc', org: { ids: ['c'] } }, { alg: 'ES256', key: es.privateKey, kid: 'es-1' });
    const res = await request(t.server).get('/products').set(bearer(token)).expect(200);
    expect(res.body.products).toEqual([{ name: 'C1', tenantId: 'c' }]);
  });

  it('a kid that is not in the JWKS is 401', async () => {
    const token = await signToken({ sub: 'svc', org: { ids: ['c'] } }, { alg: 'ES256', key: es.privateKey, kid: 'other' });
    const res = await request(t.server).get('/products').set(bearer(token)).expect(401);
    expect(res.body.code).toBe('TENANT_TOKEN_INVALID');
  });

  it('RS256 token verified with a PEM public key', async () => {
    const app = await createHttpApp(target, {
      controllers: CATALOG_CONTROLLERS,
      tenancy: { resolvers: [new JwtTenantResolver({ publicKey: rs.publicPem, issuer: ISSUER, audience: AUDIENCE })] },
    });
    try {
      await seedProducts(app.dataSource, SEED);
      const token = await signToken({ sub: 'u', tenant_id: 'b' }, { alg: 'RS256', key: rs.privateKey });
      const res = await request(app.server).get('/products').set(bearer(token)).expect(200);
      expect(res.body.products).toEqual([{ name: 'B1', tenantId: 'b' }]);
      const es256 = await signToken({ sub: 'u', tenant_id: 'b' }, { alg: 'ES256', key: es.privateKey });
      await request(app.server).get('/products').set(bearer(es256)).expect(401);
    } finally {
      await app.close();
    }
  });
});
