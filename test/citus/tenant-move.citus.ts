import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource, type QueryRunner } from 'typeorm';
import {
  enableCitusKeys,
  moveTenant,
  SchemaTenancyManager,
  TenantIsolationError,
  type CitusNode,
  type CitusTransferMode,
} from 'nestjs-tenancy';
import { DEMO_ENTITIES } from '../../apps/demo/src/database/demo-entities.js';
import { startDemoServer, type DemoServer } from '../demo/support/demo-server.js';
import { ensureBuilt } from '../demo/support/ensure-built.js';
import { call } from '../demo/support/http-client.js';
import { CATALOG_ENTITIES } from '../support/catalog.entities.js';
import { DIALECTS, type TestDataSource } from '../support/dialects.js';
import { createTestDatabase, dropTestDatabase, postgresUrl, superuserQuery } from '../support/postgres.js';

const postgres = DIALECTS.find((dialect) => dialect.name === 'postgres')!;
const MOVED = 'tenant_a';
const OTHER = 'tenant_b';
const SCHEMA_CONFIG = { prefix: 'tenant_', sharedSchema: 'public', citus: true };

/** What the clients saw: every write the server acknowledged, every answer that was not a success. */
interface Traffic {
  acknowledged: Map<string, Set<string>>;
  attempted: Map<string, Set<string>>;
  failures: Array<{ tenant: string; status: number; body: unknown }>;
  /** Rows of another tenant in any answer: must stay empty. */
  foreign: Array<{ asked: string; got: unknown }>;
  /** Start and end (performance.now()) of each request pair of the moved tenant. */
  movedSpans: Array<[number, number]>;
}

/**
 * Clients of both tenants, each alternating a POST /projects with a unique
 * name and a GET /projects that must hold only its own tenant's projects,
 * until `stop` resolves.
 */
async function serveTraffic(url: string, stop: Promise<void>): Promise<Traffic> {
  const traffic: Traffic = {
    acknowledged: new Map([MOVED, OTHER].map((tenant) => [tenant, new Set<string>()])),
    attempted: new Map([MOVED, OTHER].map((tenant) => [tenant, new Set<string>()])),
    failures: [],
    foreign: [],
    movedSpans: [],
  };
  let stopped = false;
  void stop.then(() => (stopped = true));
  const client = async (tenant: string, worker: number) => {
    for (let i = 0; !stopped; i++) {
      const name = `${tenant}-w${worker}-${i}`;
      const started = performance.now();
      traffic.attempted.get(tenant)!.add(name);
      const created = await call(url, '/projects', { tenant, body: { name } });
      if (created.status === 201) traffic.acknowledged.get(tenant)!.add(name);
      else traffic.failures.push({ tenant, status: created.status, body: created.body });
      const listed = await call(url, '/projects', { tenant });
      if (listed.status !== 200) traffic.failures.push({ tenant, status: listed.status, body: listed.body });
      else {
        const body = listed.body as { tenant_id: string; projects: Array<{ name: string; tenant_id: string }> };
        const foreign = body.projects.filter((project) => project.tenant_id !== tenant || !project.name.startsWith(`${tenant}-`));
        if (body.tenant_id !== tenant || foreign.length > 0) traffic.foreign.push({ asked: tenant, got: body });
      }
      if (tenant === MOVED) traffic.movedSpans.push([started, performance.now()]);
    }
  };
  await Promise.all([MOVED, OTHER].flatMap((tenant) => [1, 2, 3].map((worker) => client(tenant, worker))));
  return traffic;
}

interface Strategy {
  name: 'row' | 'schema';
  /** The node holding the tenant's projects. */
  nodeOf(database: string, tenant: string): Promise<CitusNode>;
  move(dataSource: DataSource, tenant: string, target: CitusNode): Promise<{ moved: boolean }>;
}

const STRATEGIES: Strategy[] = [
  {
    name: 'row',
    async nodeOf(database, tenant) {
      const [node] = await superuserQuery<CitusNode>(
        database,
        `SELECT nodename AS host, nodeport AS port FROM citus_shards WHERE shardid = get_shard_id_for_distribution_column('projects', $1::text)`,
        [tenant],
      );
      return node;
    },
    async move(dataSource, tenant, target) {
      const queryRunner = dataSource.createQueryRunner();
      try {
        return await moveTenant(queryRunner, tenant, target);
      } finally {
        await queryRunner.release();
      }
    },
  },
  {
    name: 'schema',
    async nodeOf(database, tenant) {
      const [node] = await superuserQuery<CitusNode>(
        database,
        `SELECT nodename AS host, nodeport AS port FROM citus_shards WHERE table_name = $1::regclass`,
        [`tenant_${tenant}.projects`],
      );
      return node;
    },
    move: (dataSource, tenant, target) => new SchemaTenancyManager(dataSource, SCHEMA_CONFIG).moveTenant(tenant, target),
  },
];

describe.each(STRATEGIES)('a tenant moves to another node while the demo serves traffic ($name strategy, citus)', (strategy) => {
  let database: string;
  let server: DemoServer;
  let dataSource: DataSource;

  beforeAll(async () => {
    await ensureBuilt();
    database = await createTestDatabase();
    server = await startDemoServer({ DATABASE_URL: postgresUrl(database), TENANCY_STRATEGY: strategy.name, TENANCY_CITUS: '1' }, 60_000);
    // The operator's side: a DataSource with the app's entities, as a deploy script has.
    dataSource = new DataSource({ type: 'postgres', url: postgresUrl(database), entities: DEMO_ENTITIES });
    if (strategy.name === 'row') enableCitusKeys(dataSource);
    await dataSource.initialize();
  }, 120_000);
  afterAll(async () => {
    await dataSource?.destroy();
    await server?.stop();
    await dropTestDatabase(database);
  });

  it('loses no acknowledged write and never answers with another tenant’s rows', async () => {
    const workers = await superuserQuery<CitusNode>(
      database,
      `SELECT nodename AS host, nodeport AS port FROM pg_dist_node WHERE groupid > 0 ORDER BY nodeport`,
    );
    const before = await strategy.nodeOf(database, MOVED);
    const otherBefore = await strategy.nodeOf(database, OTHER);
    const target = workers.find((node) => node.port !== before.port)!;

    let finish!: () => void;
    const stop = new Promise<void>((resolve) => (finish = resolve));
    const load = serveTraffic(server.url, stop);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const moveStart = performance.now();
    const result = await strategy.move(dataSource, MOVED, target);
    const moveEnd = performance.now();
    const moveMs = Math.round(moveEnd - moveStart);
    // Traffic continues on the new placement before it stops.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    finish();
    const traffic = await load;
    // Requests of the moved tenant in flight at some moment of the move.
    const duringMove = traffic.movedSpans.filter(([start, end]) => start < moveEnd && end > moveStart).length;

    const counts = [MOVED, OTHER].map((tenant) => `${tenant} ${traffic.acknowledged.get(tenant)!.size} writes acknowledged`).join(', ');
    console.info(
      `${strategy.name} strategy: moved ${MOVED} ${before.port} -> ${target.port} in ${moveMs} ms; ${duringMove} of its request pairs overlapped the move; ${counts}`,
    );
    expect(result.moved).toBe(true);
    expect(await strategy.nodeOf(database, MOVED)).toEqual(target);
    expect(await strategy.nodeOf(database, OTHER)).toEqual(otherBefore);
    expect(traffic.foreign).toEqual([]);
    expect(traffic.failures).toEqual([]);
    expect(duringMove, `move took ${moveMs} ms`).toBeGreaterThan(0);

    for (const tenant of [MOVED, OTHER]) {
      const listed = (await call(server.url, '/projects', { tenant })).body as { projects: Array<{ name: string; tenant_id: string }> };
      const present = new Set(listed.projects.map((project) => project.name));
      const acknowledged = traffic.acknowledged.get(tenant)!;
      expect(
        [...acknowledged].filter((name) => !present.has(name)),
        `${tenant}: acknowledged but missing`,
      ).toEqual([]);
      expect(
        [...present].filter((name) => !traffic.attempted.get(tenant)!.has(name)),
        `${tenant}: rows never written`,
      ).toEqual([]);
      expect(present.size).toBe(acknowledged.size);
      expect(acknowledged.size).toBeGreaterThan(0);
    }
    // Once moved, moving again to the same node copies nothing.
    expect((await strategy.move(dataSource, MOVED, target)).moved).toBe(false);
  });
});

describe('moveTenant refuses what it cannot do (citus)', () => {
  let db: TestDataSource;

  beforeAll(async () => {
    db = await postgres.open(CATALOG_ENTITIES);
  });
  afterAll(() => db?.close());

  const withRunner = async <T>(fn: (queryRunner: QueryRunner) => Promise<T>): Promise<T> => {
    const queryRunner = db.dataSource.createQueryRunner();
    try {
      return await fn(queryRunner);
    } finally {
      await queryRunner.release();
    }
  };

  const aWorker = async () => {
    const [worker] = await superuserQuery<CitusNode>(
      db.database!,
      `SELECT nodename AS host, nodeport AS port FROM pg_dist_node WHERE groupid > 0 LIMIT 1`,
    );
    return worker;
  };

  it.each([
    [{ host: '127.0.0.1', port: 1 }, /no such Citus node/],
    [{ host: 'localhost', port: 0 }, /no such Citus node\. Nodes that can hold shards: 127\.0\.0\.1:\d+/],
  ])('an unknown target node %j is an error naming the nodes', async (target, message) => {
    await expect(withRunner((queryRunner) => moveTenant(queryRunner, 'a', target))).rejects.toThrow(message);
  });
  it('a bad transfer mode or tenant id is refused before any SQL', async () => {
    const worker = await aWorker();
    await expect(
      withRunner((queryRunner) => moveTenant(queryRunner, 'a', worker, { transferMode: 'copy' as CitusTransferMode })),
    ).rejects.toThrow(/transferMode must be one of block_writes, force_logical, auto/);
    await expect(withRunner((queryRunner) => moveTenant(queryRunner, "a'; DROP TABLE products; --", worker))).rejects.toThrow(
      TenantIsolationError,
    );
  });
  it('refuses to run inside an open transaction', async () => {
    const worker = await aWorker();
    await withRunner(async (queryRunner) => {
      await queryRunner.startTransaction();
      try {
        await expect(moveTenant(queryRunner, 'a', worker)).rejects.toThrow(/cannot run inside a transaction/);
      } finally {
        await queryRunner.rollbackTransaction();
      }
    });
  });
  it('the schema strategy refuses a tenant that has no schema', async () => {
    const worker = await aWorker();
    await expect(new SchemaTenancyManager(db.dataSource, SCHEMA_CONFIG).moveTenant('nobody', worker)).rejects.toThrow(
      /Tenant has no schema/,
    );
  });
});
