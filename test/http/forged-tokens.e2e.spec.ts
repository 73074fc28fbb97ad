import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeaderTenantResolver, JwtTenantResolver } from 'nestjs-tenancy';
import { CATALOG_CONTROLLERS } from './support/catalog.controllers.js';
import { createHttpApp, TARGETS, type HttpTestApp } from './support/http-app.js';
import { seedProducts } from './support/seed.js';
import { asymmetricKeys, AUDIENCE, bearer, HS_SECRET, ISSUER, signToken, tamperedToken, unsignedToken } from './support/tokens.js';

const encode = (text: string) => new TextEncoder().encode(text);

/** Every forgery must be a 401 TENANT_TOKEN_INVALID that runs no SQL and does not echo the token. */
async function expectRejected(t: HttpTestApp, token: string, headers: Record<string, string> = {}) {
  t.statements.reset();
  const res = await request(t.server)
    .get('/products')
    .set({ authorization: `Bearer ${token}`, ...headers })
    .expect(401);
  expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', code: 'TENANT_TOKEN_INVALID', message: expect.any(String) });
  expect(res.headers['www-authenticate']).toBe('Bearer');
  for (const part of token.split('.').filter((p) => p.length > 8)) expect(res.text).not.toContain(part);
  expect(res.text).not.toContain('B1');
  expect(t.statements.statements).toEqual([]);
}

describe.each(TARGETS)('forged tokens against an HS256 resolver on $name', (target) => {
  let t: HttpTestApp;

  beforeAll(async () => {
    t = await createHttpApp(target, {
      controllers: CATALOG_CONTROLLERS,
      // The header resolver too: a bad token must never fall back to it.
      tenancy: {
        resolvers: [new JwtTenantResolver({ secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE }), new HeaderTenantResolver()],
      },
    });
    await seedProducts(t.dataSource, { a: ['A1'], b: ['B1'] });
  });
  afterAll(() => t?.close());

  it('control: the genuine token is accepted', async () => {
    await request(t.server)
      .get('/products')
      .set(bearer(await signToken({ sub: 'u', tenant_id: 'a' })))
      .expect(200);
  });

  it.each(['none', 'None', 'NONE'])('alg: %s (unsigned token) is refused', async (alg) => {
    const token = unsignedToken({ sub: 'u', tenant_id: 'b' }).replace(
      /^[^.]+/,
      Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url'),
    );
    await expectRejected(t, token);
  });

  it('signed with the wrong key is refused', async () => {
    await expectRejected(t, await signToken({ sub: 'u', tenant_id: 'b' }, { key: encode('another-secret-of-at-least-32-bytes!!') }));
  });

  it('expired is refused (beyond the clock tolerance)', async () => {
    await expectRejected(t, await signToken({ sub: 'u', tenant_id: 'a' }, { expiresIn: -60 }));
  });

  it('not yet valid (nbf in the future) is refused', async () => {
    await expectRejected(t, await signToken({ sub: 'u', tenant_id: 'a' }, { notBefore: 600 }));
  });

  it('tampered payload (tenant switched after signing) is refused', async () => {
    const genuine = await signToken({ sub: 'u', tenant_id: 'a' });
    await expectRejected(t, tamperedToken(genuine, { tenant_id: 'b' }));
  });

  it('a bad token with a valid x-tenant-id header is still refused, not served by the header', async () => {
    const genuine = await signToken({ sub: 'u', tenant_id: 'a' });
    await expectRejected(t, tamperedToken(genuine, { tenant_id: 'b' }), { 'x-tenant-id': 'b' });
  });

  it('wrong issuer is refused', async () => {
    await expectRejected(t, await signToken({ sub: 'u', tenant_id: 'a' }, { issuer: 'https://evil.example' }));
  });

  it('wrong audience is refused', async () => {
    await expectRejected(t, await signToken({ sub: 'u', tenant_id: 'a' }, { audience: 'another-api' }));
  });

  it('a token that never expires (no exp) is refused', async () => {
    await expectRejected(t, await signToken({ sub: 'u', tenant_id: 'a' }, { expiresIn: null }));
  });

  it('an algorithm outside the allow-list (HS512 with the right secret) is refused', async () => {
    await expectRejected(t, await signToken({ sub: 'u', tenant_id: 'a' }, { alg: 'HS512' }));
  });

  it('garbage after Bearer is refused', async () => {
    await expectRejected(t, 'not-a-jwt-at-all');
    const empty = await request(t.server).get('/products').set('authorization', 'Bearer ').expect(401);
    expect(empty.body.code).toBe('TENANT_TOKEN_INVALID');
  });

  it('a tenant claim that is not a string or list of strings is refused', async () => {
    await expectRejected(t, await signToken({ sub: 'u', tenant_id: { $ne: null } }));
  });
});

describe.each(TARGETS)('forged tokens against an RS256 public-key resolver on $name', (target) => {
  let t: HttpTestApp;
  let keys: Awaited<ReturnType<typeof asymmetricKeys>>;

  beforeAll(async () => {
    keys = await asymmetricKeys('RS256');
    t = await createHttpApp(target, {
      controllers: CATALOG_CONTROLLERS,
      tenancy: { resolvers: [new JwtTenantResolver({ publicKey: keys.publicPem, issuer: ISSUER, audience: AUDIENCE })] },
    });
    await seedProducts(t.dataSource, { a: ['A1'], b: ['B1'] });
  });
  afterAll(() => t?.close());

  it('control: a token signed with the private key is accepted', async () => {
    await request(t.server)
      .get('/products')
      .set(bearer(await signToken({ sub: 'u', tenant_id: 'b' }, { alg: 'RS256', key: keys.privateKey })))
      .expect(200);
  });

  it('algorithm confusion: HS256 signed with the public key as the HMAC secret is refused', async () => {
    await expectRejected(t, await signToken({ sub: 'u', tenant_id: 'b' }, { alg: 'HS256', key: encode(keys.publicPem) }));
  });

  it('signed by another RSA key is refused', async () => {
    const other = await asymmetricKeys('RS256');
    await expectRejected(t, await signToken({ sub: 'u', tenant_id: 'b' }, { alg: 'RS256', key: other.privateKey }));
  });

  it('alg: none is refused', async () => {
    await expectRejected(t, unsignedToken({ sub: 'u', tenant_id: 'b' }));
  });
});
