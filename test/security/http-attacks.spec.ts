import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TARGETS } from '../http/support/http-app.js';
import { bearer, signToken, tamperedToken, unsignedToken } from '../http/support/tokens.js';
import { createAttackApp, SEED, type AttackApp } from './support/attack-app.js';
import { KeepAliveClient } from './support/keep-alive-client.js';
import { rawProducts, resetProducts } from './support/raw-products.js';

/**
 * The HTTP half of the attack catalogue: each case is a request (or a few) by
 * a client of tenant a, or by nobody, trying to read, infer, write or delete
 * another tenant's data, or to escape its request context. `protection` names
 * what stops it; scripts/security-mutations.ts switches each protection off
 * in a scratch copy and checks that its cases fail.
 */
interface Tokens {
  /** Alice, a user of tenant a. */
  a: string;
  /** An admin: no tenant, role admin. */
  admin: string;
}

interface AttackContext {
  t: AttackApp;
  tokens: Tokens;
  /** Every product of every tenant, for "nothing was written or deleted" checks. */
  snapshot: () => Promise<Array<{ name: string; tenantId: string }>>;
  idOf: (name: string) => Promise<number>;
}

interface HttpAttack {
  name: string;
  protection:
    | 'jwt-verify'
    | 'token-grant'
    | 'bypass-authorisation'
    | 'tenant-validation'
    | 'source-conflict'
    | 'request-context'
    | 'id-validation'
    | 'where-filter'
    | 'insert-guard'
    | 'context-async'
    | 'fail-closed';
  run(ctx: AttackContext): Promise<void>;
}

const encode = (text: string) => new TextEncoder().encode(text);
/** Nothing of tenant b (nor the suspended z) may appear in a response meant for someone else. */
const expectNoForeignRows = (text: string) => expect(text).not.toMatch(/[BZ]\d/);

async function expectTokenRefused(t: AttackApp, headers: Record<string, string>) {
  const res = await request(t.server).get('/products').set(headers);
  expect(res.status).toBe(401);
  expect(res.body.code).toBe('TENANT_TOKEN_INVALID');
  expectNoForeignRows(res.text);
}

const ATTACKS: HttpAttack[] = [
  {
    name: 'header spoofing: a token for tenant a with X-Tenant-ID: b reads b',
    protection: 'token-grant',
    run: async ({ t, tokens }) => {
      const res = await request(t.server).get('/products').set(bearer(tokens.a)).set('x-tenant-id', 'b');
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('TENANT_FORBIDDEN');
      expectNoForeignRows(res.text);
    },
  },
  {
    name: 'header spoofing on a write: a token for tenant a with X-Tenant-ID: b creates a product in b',
    protection: 'token-grant',
    run: async ({ t, tokens, snapshot }) => {
      const before = await snapshot();
      const res = await request(t.server)
        .post('/products')
        .set(bearer(tokens.a))
        .set('x-tenant-id', 'b')
        .send({ name: 'planted', sku: 'planted-1' });
      expect(res.status).toBe(403);
      expect(await snapshot()).toEqual(before);
    },
  },
  {
    name: 'forged token: alg none naming tenant b',
    protection: 'jwt-verify',
    run: ({ t }) => expectTokenRefused(t, bearer(unsignedToken({ sub: 'mallory', tenant_id: 'b' }))),
  },
  {
    name: 'forged token: signed with a key of our own, naming tenant b',
    protection: 'jwt-verify',
    run: async ({ t }) =>
      expectTokenRefused(
        t,
        bearer(await signToken({ sub: 'mallory', tenant_id: 'b' }, { key: encode('mallory-own-secret-of-32-bytes-or-more') })),
      ),
  },
  {
    name: "forged token: a former employee's expired token for tenant b",
    protection: 'jwt-verify',
    run: async ({ t }) => expectTokenRefused(t, bearer(await signToken({ sub: 'bob', tenant_id: 'b' }, { expiresIn: -3600 }))),
  },
  {
    name: 'forged token: a genuine token of tenant a with its payload switched to b',
    protection: 'jwt-verify',
    run: async ({ t, tokens }) => expectTokenRefused(t, bearer(tamperedToken(tokens.a, { tenant_id: 'b' }))),
  },
  {
    name: 'forged token: minted for another API (wrong audience), naming tenant b',
    protection: 'jwt-verify',
    run: async ({ t }) => expectTokenRefused(t, bearer(await signToken({ sub: 'mallory', tenant_id: 'b' }, { audience: 'billing-api' }))),
  },
  {
    name: 'a bad token next to a valid X-Tenant-ID: b is refused, never downgraded to the header',
    protection: 'jwt-verify',
    run: async ({ t, tokens }) => {
      // The header alone names an active tenant; a present but bad credential must not be ignored.
      await expectTokenRefused(t, { ...bearer(tamperedToken(tokens.a, { tenant_id: 'b' })), 'x-tenant-id': 'b' });
    },
  },
  {
    name: 'a forged admin role on a user token, to purge tenant b through a bypass route',
    protection: 'jwt-verify',
    run: async ({ t, tokens, snapshot }) => {
      const before = await snapshot();
      const res = await request(t.server)
        .post('/admin/purge/b')
        .set(bearer(tamperedToken(tokens.a, { role: 'admin' })));
      expect(res.status).toBe(401);
      expect(t.log.ran).toEqual([]);
      expect(await snapshot()).toEqual(before);
    },
  },
  {
    name: "bypass without the admin claim: a tenant user's token on a cross-tenant route (403, handler never ran)",
    protection: 'bypass-authorisation',
    run: async ({ t, tokens }) => {
      const res = await request(t.server).get('/admin/products').set(bearer(tokens.a));
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('TENANT_BYPASS_FORBIDDEN');
      expect(t.log.ran).toEqual([]);
      expectNoForeignRows(res.text);
      // Control: the route exists and runs for an admin.
      await request(t.server).get('/admin/products').set(bearer(tokens.admin)).expect(200);
      expect(t.log.ran).toEqual(['admin.all']);
    },
  },
  {
    name: 'bypass without any credential: a bare X-Tenant-ID purges tenant b (403, handler never ran, nothing deleted)',
    protection: 'bypass-authorisation',
    run: async ({ t, snapshot }) => {
      const before = await snapshot();
      const res = await request(t.server).post('/admin/purge/b').set('x-tenant-id', 'a');
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('TENANT_BYPASS_FORBIDDEN');
      expect(t.log.ran).toEqual([]);
      expect(await snapshot()).toEqual(before);
    },
  },
  {
    name: 'a foreign tenantId in a POST body (bulk import with listeners off): nothing written',
    protection: 'insert-guard',
    run: async ({ t, tokens, snapshot }) => {
      const before = await snapshot();
      const res = await request(t.server)
        .post('/products/import')
        .set(bearer(tokens.a))
        .send({ rows: [{ name: 'planted', sku: 'planted-1', tenantId: 'b' }] });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('TENANT_MISMATCH');
      expect(await snapshot()).toEqual(before);
    },
  },
  {
    name: "id guessing: GET another tenant's product by id answers 404, exactly as a nonexistent id",
    protection: 'where-filter',
    run: async ({ t, tokens, idOf }) => {
      const get = (id: number) => request(t.server).get(`/products/${id}`).set(bearer(tokens.a));
      const foreign = await get(await idOf('B1'));
      const missing = await get(999_999);
      expect([foreign.status, foreign.text]).toEqual([404, missing.text]);
      // Control: the route serves the caller's own ids.
      expect((await get(await idOf('A1'))).status).toBe(200);
    },
  },
  {
    name: "id guessing on a write: PATCH another tenant's product by id",
    protection: 'where-filter',
    run: async ({ t, tokens, idOf, snapshot }) => {
      const before = await snapshot();
      const res = await request(t.server)
        .patch(`/products/${await idOf('B1')}`)
        .set(bearer(tokens.a))
        .send({ name: 'pwned' });
      expect(res.status).toBe(404);
      expect(await snapshot()).toEqual(before);
    },
  },
  {
    name: "id guessing on a delete: DELETE another tenant's product by id",
    protection: 'where-filter',
    run: async ({ t, tokens, idOf, snapshot }) => {
      const before = await snapshot();
      const res = await request(t.server)
        .delete(`/products/${await idOf('B2')}`)
        .set(bearer(tokens.a));
      expect(res.status).toBe(404);
      expect(await snapshot()).toEqual(before);
    },
  },
  {
    name: 'unknown tenant: writing under a tenant that does not exist (404, nothing written)',
    protection: 'tenant-validation',
    run: async ({ t, snapshot }) => {
      const before = await snapshot();
      const res = await request(t.server).post('/products').set('x-tenant-id', 'ghost').send({ name: 'squat', sku: 'squat-1' });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('TENANT_UNKNOWN');
      expect(await snapshot()).toEqual(before);
    },
  },
  {
    name: "suspended tenant: reading a suspended tenant's rows by naming it (404, same as unknown)",
    protection: 'tenant-validation',
    run: async ({ t }) => {
      const suspended = await request(t.server).get('/products').set('x-tenant-id', 'z');
      const unknown = await request(t.server).get('/products').set('x-tenant-id', 'ghost');
      expect([suspended.status, suspended.text]).toEqual([404, unknown.text]);
      expectNoForeignRows(suspended.text);
    },
  },
  {
    name: 'malformed tenant id: an SQL-injecting X-Tenant-ID (400, not echoed)',
    protection: 'id-validation',
    run: async ({ t }) => {
      const res = await request(t.server).get('/products').set('x-tenant-id', "a' OR '1'='1");
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('TENANT_INVALID');
      expect(res.text).not.toContain("OR '1'");
    },
  },
  {
    name: 'malformed tenant id: X-Tenant-ID sent twice, a and b (400)',
    protection: 'id-validation',
    run: async ({ t }) => {
      const client = new KeepAliveClient(t.server);
      try {
        // Node joins a repeated header into "a, b"; neither tenant may be picked from it.
        const res = await client.send('GET', '/products', { 'x-tenant-id': ['a', 'b'] });
        expect(res.status).toBe(400);
        expect(JSON.parse(res.text)).toMatchObject({ code: 'TENANT_INVALID' });
      } finally {
        client.close();
      }
    },
  },
  {
    name: 'two conflicting tenant sources: path authorised for a, X-Tenant-ID: b (403)',
    protection: 'source-conflict',
    run: async ({ t }) => {
      const res = await request(t.server).get('/tenants/a/products').set('x-tenant-id', 'b');
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('TENANT_FORBIDDEN');
      expectNoForeignRows(res.text);
    },
  },
  {
    name: 'context after a streamed response: the next requests on the same kept-alive connection see their own tenant',
    protection: 'request-context',
    run: async ({ t }) => {
      // A server the library does not hook: the guard's own-store check is all that stands here (see keep-alive-attacks).
      const client = new KeepAliveClient(t.ownServer);
      try {
        const stream = await client.send('GET', '/context/stream', { 'x-tenant-id': 'a' });
        expect([stream.status, stream.text]).toEqual([200, 'a:A1\na:A2\n']);
        const anonymous = await client.send('GET', '/health/products');
        expect(anonymous.reusedSocket).toBe(true);
        expect(anonymous.status).toBe(400);
        expect(anonymous.text).not.toContain('A1');
        const b = await client.send('GET', '/products', { 'x-tenant-id': 'b' });
        expect(JSON.parse(b.text)).toEqual({ tenant: 'b', names: ['B1', 'B2'] });
      } finally {
        client.close();
      }
    },
  },
  {
    name: 'context after a handler threw: the next request on the same connection does not inherit the tenant',
    protection: 'request-context',
    run: async ({ t }) => {
      // A server the library does not hook: the guard's own-store check is all that stands here (see keep-alive-attacks).
      const client = new KeepAliveClient(t.ownServer);
      try {
        expect((await client.send('GET', '/context/throw', { 'x-tenant-id': 'a' })).status).toBe(500);
        const next = await client.send('GET', '/health/products');
        expect(next.reusedSocket).toBe(true);
        expect(next.status).toBe(400);
        expect(next.text).not.toContain('A1');
      } finally {
        client.close();
      }
    },
  },
  {
    name: "a background job outliving its request, while the next request on the same connection is tenant b's",
    protection: 'request-context',
    run: async ({ t }) => {
      // A server the library does not hook: the guard's own-store check is all that stands here (see keep-alive-attacks).
      const client = new KeepAliveClient(t.ownServer);
      try {
        const started = await client.send('POST', '/context/jobs', { 'x-tenant-id': 'a' });
        const { id } = JSON.parse(started.text) as { id: string };
        const b = await client.send('GET', '/products', { 'x-tenant-id': 'b' });
        expect(b.reusedSocket).toBe(true);
        expect(JSON.parse(b.text)).toEqual({ tenant: 'b', names: ['B1', 'B2'] });
        t.log.release(id);
        expect(await t.log.jobs.get(id)).toEqual({ tenant: 'a', names: ['A1', 'A2'] });
      } finally {
        client.close();
      }
    },
  },
  {
    name: 'Promise.all inside the handlers of concurrent requests of tenants a and b',
    protection: 'context-async',
    run: async ({ t, tokens }) => {
      const tenants = Array.from({ length: 12 }, (_, i) => (i % 2 ? 'b' : 'a'));
      const responses = await Promise.all(
        tenants.map((tenant) =>
          request(t.server)
            .get('/context/parallel')
            .set(tenant === 'a' ? bearer(tokens.a) : { 'x-tenant-id': 'b' }),
        ),
      );
      responses.forEach((res, i) => {
        const own = SEED[tenants[i] as 'a' | 'b'];
        expect(res.status).toBe(200);
        for (const branch of res.body.branches) expect(branch).toEqual({ tenant: tenants[i], names: own });
      });
    },
  },
  {
    name: "a background job outliving its request, while other tenants' requests run",
    protection: 'context-async',
    run: async ({ t, tokens }) => {
      const started = await request(t.server).post('/context/jobs').set(bearer(tokens.a)).expect(201);
      const others = await Promise.all(Array.from({ length: 8 }, () => request(t.server).get('/products').set('x-tenant-id', 'b')));
      for (const res of others) expect(res.body).toEqual({ tenant: 'b', names: ['B1', 'B2'] });
      t.log.release(started.body.id);
      expect(await t.log.jobs.get(started.body.id)).toEqual({ tenant: 'a', names: ['A1', 'A2'] });
    },
  },
  {
    name: 'a job with no tenant, started by an anonymous request, fails closed',
    protection: 'fail-closed',
    run: async ({ t }) => {
      const started = await request(t.server).post('/context/nightly').expect(201);
      expect(await t.log.jobs.get(started.body.id)).toEqual({ tenant: undefined, refused: 'TENANT_REQUIRED' });
    },
  },
  {
    name: "a tenant-optional route reached with no tenant does not list every tenant's rows",
    protection: 'fail-closed',
    run: async ({ t }) => {
      const res = await request(t.server).get('/health/products');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('TENANT_REQUIRED');
      expect(res.text).not.toMatch(/[ABZ]\d/);
    },
  },
];

describe.each(TARGETS)('HTTP attack catalogue ($name)', (target) => {
  let t: AttackApp;
  const tokens = {} as Tokens;

  beforeAll(async () => {
    t = await createAttackApp(target);
    tokens.a = await signToken({ sub: 'alice', tenant_id: 'a' });
    tokens.admin = await signToken({ sub: 'root', role: 'admin' });
  });
  afterAll(() => t?.close());
  beforeEach(async () => {
    await resetProducts(t.dataSource, SEED);
    t.log.ran.length = 0;
    t.log.jobs.clear();
  });

  const snapshot = async () => (await rawProducts(t.dataSource)).map(({ name, tenantId }) => ({ name, tenantId }));
  const idOf = async (name: string) => (await rawProducts(t.dataSource)).find((row) => row.name === name)!.id;

  for (const attack of ATTACKS) {
    it(`[${attack.protection}] ${attack.name}`, () => attack.run({ t, tokens, snapshot, idOf }));
  }
});
