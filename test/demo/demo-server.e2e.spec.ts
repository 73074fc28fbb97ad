import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onCitus } from '../support/citus.js';
import { createTestDatabase, dropTestDatabase, postgresUrl } from '../support/postgres.js';
import { startDemoServer, runDemoServerToExit, type DemoServer } from './support/demo-server.js';
import { ensureBuilt } from './support/ensure-built.js';
import { call } from './support/http-client.js';
import { runNode } from './support/run-node.js';

const JWT_SECRET = 'e2e-secret-0123456789-0123456789-0123456789';

async function token(...args: string[]): Promise<string> {
  const { code, stdout, stderr } = await runNode('dist/apps/demo/src/cli/token.js', args, { JWT_SECRET });
  expect(code, stderr).toBe(0);
  return stdout.trim();
}

interface Backend {
  name: string;
  database: string;
  /** Environment of the server process, and how to clean up after it. */
  prepare(): Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }>;
}

const SQLITE: Backend = {
  name: 'row strategy on a SQLite file (the npm start default)',
  database: 'better-sqlite3',
  async prepare() {
    const dir = await mkdtemp(join(tmpdir(), 'tenancy-demo-'));
    return { env: { SQLITE_FILE: join(dir, 'demo.sqlite') }, cleanup: () => rm(dir, { recursive: true, force: true }) };
  },
};

/** `npm run test:citus`: the same session against a Citus coordinator, tables distributed at start-up (TENANCY_CITUS=1). */
const POSTGRES: Backend[] = (['row', 'schema'] as const).map((strategy) => ({
  name: `${strategy} strategy on ${onCitus ? 'a Citus coordinator (DATABASE_URL, TENANCY_CITUS=1)' : 'PostgreSQL (DATABASE_URL)'}`,
  database: 'postgres',
  async prepare() {
    const database = await createTestDatabase();
    return {
      env: { DATABASE_URL: postgresUrl(database), TENANCY_STRATEGY: strategy, ...(onCitus ? { TENANCY_CITUS: '1' } : {}) },
      cleanup: () => dropTestDatabase(database),
    };
  },
}));

const BACKENDS: Backend[] = onCitus ? POSTGRES : [SQLITE, ...POSTGRES];

/** The real server process, as `npm start` runs it, on a free port and a fresh database. */
describe.each(BACKENDS)('demo server (real process): $name', (backend) => {
  let server: DemoServer;
  let cleanup: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    await ensureBuilt();
    const prepared = await backend.prepare();
    cleanup = prepared.cleanup;
    server = await startDemoServer({ ...prepared.env, JWT_SECRET });
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
    await cleanup?.();
  });

  it('serves /health without a tenant', async () => {
    const health = await call(server.url, '/health');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', database: backend.database } });
  });

  it("runs the FastAPI guide's curl session: each tenant lists only its own project", async () => {
    const createdA = await call(server.url, '/projects', { tenant: 'tenant_a', body: '{"name": "Project A"}' });
    expect(createdA.status).toBe(201);
    expect(createdA.body).toEqual({
      message: 'Created',
      project: { id: expect.any(Number), name: 'Project A', description: null, tenant_id: 'tenant_a' },
    });
    const createdB = await call(server.url, '/projects', { tenant: 'tenant_b', body: '{"name": "Project B"}' });
    expect(createdB.status).toBe(201);
    expect(createdB.body).toMatchObject({ message: 'Created', project: { name: 'Project B', tenant_id: 'tenant_b' } });

    const listA = await call(server.url, '/projects', { tenant: 'tenant_a' });
    expect(listA).toMatchObject({ status: 200, body: { tenant_id: 'tenant_a', projects: [{ name: 'Project A', tenant_id: 'tenant_a' }] } });
    expect((listA.body as { projects: unknown[] }).projects).toHaveLength(1);
    const listB = await call(server.url, '/projects', { tenant: 'tenant_b' });
    expect(listB).toMatchObject({ status: 200, body: { tenant_id: 'tenant_b', projects: [{ name: 'Project B', tenant_id: 'tenant_b' }] } });
    expect((listB.body as { projects: unknown[] }).projects).toHaveLength(1);
  });

  describe('cross-tenant attempts over HTTP', () => {
    let productA: { id: number };
    let projectA: { id: number };

    beforeAll(async () => {
      projectA = (
        (await call(server.url, '/projects', { tenant: 'tenant_a', body: { name: 'Secret project' } })).body as { project: { id: number } }
      ).project;
      const created = await call(server.url, '/products', {
        tenant: 'tenant_a',
        body: { name: 'Widget', price: 9.99, sku: 'WID-001', projectId: projectA.id },
      });
      expect(created.status).toBe(201);
      productA = created.body as { id: number };
    });

    it("tenant_b cannot read, change or delete tenant_a's product: 404, as if it did not exist", async () => {
      expect((await call(server.url, `/products/${productA.id}`, { tenant: 'tenant_b' })).status).toBe(404);
      expect(
        (await call(server.url, `/products/${productA.id}`, { tenant: 'tenant_b', method: 'PATCH', body: { price: 0.01 } })).status,
      ).toBe(404);
      expect((await call(server.url, `/products/${productA.id}`, { tenant: 'tenant_b', method: 'DELETE' })).status).toBe(404);
      expect((await call(server.url, '/products', { tenant: 'tenant_b' })).body).toEqual({ tenant_id: 'tenant_b', products: [] });

      const unchanged = await call(server.url, `/products/${productA.id}`, { tenant: 'tenant_a' });
      expect(unchanged).toMatchObject({ status: 200, body: { price: 9.99, tenant_id: 'tenant_a' } });
    });

    it('tenant_b cannot attach to a project of tenant_a, nor choose its tenant in the body', async () => {
      const attach = await call(server.url, '/products', {
        tenant: 'tenant_b',
        body: { name: 'X', price: 1, sku: 'X-1', projectId: projectA.id },
      });
      expect(attach.status).toBe(404);
      const forged = await call(server.url, '/products', {
        tenant: 'tenant_b',
        body: { name: 'X', price: 1, sku: 'X-2', tenantId: 'tenant_a' },
      });
      expect(forged).toMatchObject({
        status: 400,
        body: { code: 'VALIDATION_FAILED', fields: { tenantId: ['property tenantId should not exist'] } },
      });
      expect((await call(server.url, '/products', { tenant: 'tenant_a' })).body).toMatchObject({ products: [{ name: 'Widget' }] });
    });

    it('SKUs are unique per tenant, not globally', async () => {
      expect(
        (await call(server.url, '/products', { tenant: 'tenant_b', body: { name: 'Widget', price: 11, sku: 'WID-001' } })).status,
      ).toBe(201);
      expect((await call(server.url, '/products', { tenant: 'tenant_a', body: { name: 'Again', price: 1, sku: 'WID-001' } })).status).toBe(
        409,
      );
    });
  });

  it('refuses requests without a known tenant before any handler runs', async () => {
    expect(await call(server.url, '/projects')).toMatchObject({ status: 400, body: { code: 'TENANT_REQUIRED' } });
    expect(await call(server.url, '/projects', { tenant: 'tenant_c' })).toMatchObject({ status: 404, body: { code: 'TENANT_UNKNOWN' } });
    expect(await call(server.url, '/projects', { tenant: '../etc' })).toMatchObject({ status: 400, body: { code: 'TENANT_INVALID' } });
    expect(await call(server.url, '/projects', { tenant: 'tenant_c', body: { name: 'Nope' } })).toMatchObject({ status: 404 });
  });

  it('answers bad bodies with 400 and field errors', async () => {
    const result = await call(server.url, '/products', { tenant: 'tenant_a', body: { name: '', price: -1 } });
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      fields: { name: expect.any(Array), price: expect.any(Array), sku: expect.any(Array) },
    });
    expect((await call(server.url, '/projects', { tenant: 'tenant_a', body: '{"name": ' })).status).toBe(400);
  });

  it('admin routes need a signed admin token, and then see every tenant', async () => {
    expect((await call(server.url, '/admin/all-products')).status).toBe(401);
    expect((await call(server.url, '/admin/all-products', { token: 'not.a.token' })).status).toBe(401);
    expect((await call(server.url, '/admin/stats', { token: await token('--tenant', 'tenant_a') })).status).toBe(403);

    const admin = await token('--admin');
    const all = await call(server.url, '/admin/all-products', { token: admin });
    expect(all.status).toBe(200);
    const tenants = new Set((all.body as { products: { tenant_id: string }[] }).products.map((p) => p.tenant_id));
    expect([...tenants].sort()).toEqual(['tenant_a', 'tenant_b']);
    const stats = await call(server.url, '/admin/stats', { token: admin });
    expect(stats).toMatchObject({ status: 200, body: { organizations: 2, total_products_all_tenants: 2 } });
    expect(server.output()).toMatch(/tenant filter bypassed/);
  });

  it('a tenant token cannot be pointed at another tenant with the header', async () => {
    const tenantA = await token('--tenant', 'tenant_a');
    expect(await call(server.url, '/projects', { token: tenantA })).toMatchObject({ status: 200, body: { tenant_id: 'tenant_a' } });
    expect(await call(server.url, '/projects', { token: tenantA, tenant: 'tenant_b' })).toMatchObject({
      status: 403,
      body: { code: 'TENANT_FORBIDDEN' },
    });
  });

  it('publishes OpenAPI at /docs with the X-Tenant-ID header', async () => {
    expect((await call(server.url, '/docs')).status).toBe(200);
    const spec = (await call(server.url, '/docs-json')).body as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    };
    expect(spec.paths['/projects'].get.parameters).toContainEqual(expect.objectContaining({ name: 'X-Tenant-ID', in: 'header' }));
    expect(spec.paths['/products/{id}'].patch.parameters).toContainEqual(expect.objectContaining({ name: 'X-Tenant-ID', in: 'header' }));
  });
});

describe('demo server configuration errors', () => {
  beforeAll(ensureBuilt, 90_000);

  it('an unknown strategy, a non-PostgreSQL DATABASE_URL or a short JWT secret fails at start with one readable line', async () => {
    expect(await runDemoServerToExit({ TENANCY_STRATEGY: 'rows' })).toMatchObject({
      code: 1,
      output: expect.stringContaining("TENANCY_STRATEGY must be 'row'"),
    });
    expect(await runDemoServerToExit({ DATABASE_URL: 'mysql://x' })).toMatchObject({
      code: 1,
      output: expect.stringContaining('DATABASE_URL must be a PostgreSQL URL'),
    });
    const short = await runDemoServerToExit({ JWT_SECRET: 'short', SQLITE_FILE: ':memory:' });
    expect(short).toMatchObject({ code: 1, output: 'demo: JWT_SECRET must be at least 32 bytes long.\n' });
    expect(await runDemoServerToExit({ TENANCY_CITUS: '1' })).toMatchObject({
      code: 1,
      output: 'demo: TENANCY_CITUS=1 needs DATABASE_URL pointing at a Citus coordinator.\n',
    });
    expect(await runDemoServerToExit({ TENANCY_CITUS: 'yes', SQLITE_FILE: ':memory:' })).toMatchObject({
      code: 1,
      output: expect.stringContaining('TENANCY_CITUS must be 1 (on) or 0 (off)'),
    });
  });

  it.skipIf(onCitus)('TENANCY_CITUS=1 on a PostgreSQL server without Citus fails at start, naming the missing extension', async () => {
    const database = await createTestDatabase();
    try {
      const exited = await runDemoServerToExit({ DATABASE_URL: postgresUrl(database), TENANCY_CITUS: '1' });
      expect(exited).toMatchObject({
        code: 1,
        output: expect.stringContaining(`needs the Citus extension, which database "${database}" does not have`),
      });
    } finally {
      await dropTestDatabase(database);
    }
  });
});
