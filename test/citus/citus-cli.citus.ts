import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { distributeTenantTables, enableCitusKeys } from 'nestjs-tenancy';
import { DEMO_ENTITIES } from '../../apps/demo/src/database/demo-entities.js';
import { ensureBuilt } from '../demo/support/ensure-built.js';
import { runNode } from '../demo/support/run-node.js';
import { createTestDatabase, dropTestDatabase, postgresUrl, superuserQuery } from '../support/postgres.js';

const CLI = 'libs/tenancy/dist/cli/tenancy-cli.js';
/** The demo's entities with Citus keys on BENCH_DATABASE_URL, as an app's data-source module. */
const DATA_SOURCE = 'dist/scripts/bench/citus-data-source.js';

describe('tenancy citus status (citus)', { timeout: 120_000 }, () => {
  let database: string;
  let dataSource: DataSource;
  const status = () => runNode(CLI, ['citus', 'status', '--data-source', DATA_SOURCE], { BENCH_DATABASE_URL: postgresUrl(database) });

  beforeAll(async () => {
    await ensureBuilt();
    database = await createTestDatabase();
    dataSource = enableCitusKeys(
      new DataSource({ type: 'postgres', url: postgresUrl(database), entities: DEMO_ENTITIES, synchronize: true }),
    );
    await dataSource.initialize();
  }, 120_000);
  afterAll(async () => {
    await dataSource?.destroy();
    await dropTestDatabase(database);
  });

  it('lists the tenant tables not yet distributed', async () => {
    const { code, stdout } = await status();
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Citus 13\.\d+/);
    expect(stdout).toContain('not yet distributed: "projects", "products"');
  });

  it('after distributeTenantTables: every node, and each table with its shards per node', async () => {
    const queryRunner = dataSource.createQueryRunner();
    await distributeTenantTables(queryRunner).finally(() => queryRunner.release());
    const { code, stdout, stderr } = await status();
    expect(code, stderr).toBe(0);
    const workers = await superuserQuery<{ port: number }>(
      database,
      `SELECT nodeport AS port FROM pg_dist_node WHERE groupid > 0 ORDER BY 1`,
    );
    expect(workers).toHaveLength(2);
    for (const { port } of workers) expect(stdout).toMatch(new RegExp(`worker {6}127\\.0\\.0\\.1:${port} {2}active {2}\\d+ shards`));
    expect(stdout).toMatch(/coordinator 127\.0\.0\.1:\d+ {2}active/);
    const placements = workers.map(({ port }) => `127\\.0\\.0\\.1:${port}×16`).join(' ');
    expect(stdout).toMatch(new RegExp(`products: distributed by tenant_id, colocation \\d+, 32 shards {2}${placements}`));
    expect(stdout).toMatch(new RegExp(`projects: distributed by tenant_id, colocation \\d+, 32 shards {2}${placements}`));
    expect(stdout).toContain('no tenant table left to distribute');
    expect(stderr).toMatch(/^citus-status: [\d.]+ s, peak RSS \d+ MiB$/m);
  });
});
