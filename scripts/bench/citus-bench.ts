import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { distributeTenantTables, enableCitusKeys, runWithTenant } from 'nestjs-tenancy';
import { DataSource, type Logger } from 'typeorm';
import { DEMO_ENTITIES } from '../../apps/demo/src/database/demo-entities.js';
import { Product } from '../../apps/demo/src/products/product.entity.js';
import { Project } from '../../apps/demo/src/projects/project.entity.js';
import { createCitusDatabase, dropCitusDatabase, taskCount } from '../../support/citus.js';
import { freshDatabase } from '../../support/postgres-server.js';
import { machine, median } from './support/report.js';

/**
 * The Citus section of the benchmarks, on its own (`node dist/scripts/bench/citus-bench.js`,
 * after `npm run build`): the wall time of the demo's per-request queries through the library
 * on single-node PostgreSQL and on a Citus coordinator with two workers, and the number of
 * shards each statement is routed to. Writes docs/BENCHMARKS-CITUS.md.
 *
 * BENCH_CITUS_URL names a running coordinator (superuser); without it the shared tool
 * (CITUS_CLUSTER_SCRIPT, default ../shared/citus/citus-cluster.sh) starts one on port 9770 and
 * stops it afterwards. PostgreSQL: BENCH_POSTGRES_URL / TEST_POSTGRES_URL, default 127.0.0.1:5432.
 */
const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const REPO = join(here, '..', '..', '..');
const REPORT = join(REPO, 'docs', 'BENCHMARKS-CITUS.md');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const TENANTS = 10;
const ROWS = 50;
const DATABASE = 'tenancy_bench_citus';

/** SQL statements sent while recording (not while timing), to EXPLAIN them on the cluster. */
class StatementLog implements Logger {
  recording = false;
  statements: Array<{ query: string; parameters: unknown[] }> = [];
  logQuery(query: string, parameters?: unknown[]): void {
    if (this.recording && /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i.test(query))
      this.statements.push({ query, parameters: parameters ?? [] });
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

/** One call: the tenant, a counter, and one of this tenant's product ids. */
interface Call {
  tenant: string;
  n: number;
  productId: number;
}
type Operation = (dataSource: DataSource, call: Call) => Promise<unknown>;

/** What the demo's routes run inside one request, each inside the request's tenant. */
const OPERATIONS: Array<[string, Operation]> = [
  ['GET /projects (find)', (ds) => ds.getRepository(Project).find()],
  ['GET /products/:id (findOneBy id)', (ds, { productId }) => ds.getRepository(Product).findOneBy({ id: productId })],
  [
    'product with its project (join)',
    (ds, { productId }) => ds.getRepository(Product).findOne({ where: { id: productId }, relations: { project: true } }),
  ],
  ['count products', (ds) => ds.getRepository(Product).count()],
  ['POST /projects (insert)', (ds, { tenant, n }) => ds.getRepository(Project).insert({ name: `${tenant}-bench-${n}` })],
  ['PATCH /products/:id (update)', (ds, { productId, n }) => ds.getRepository(Product).update({ id: productId }, { price: n % 100 })],
];

async function open(url: string, citus: boolean, logger?: Logger): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    entities: DEMO_ENTITIES,
    synchronize: true,
    poolSize: 4,
    logger,
    logging: logger ? ['query'] : false,
  });
  if (citus) enableCitusKeys(dataSource);
  return dataSource.initialize();
}

/** Seeds every tenant; returns each tenant's product ids (one sequence serves all tenants). */
async function seed(dataSource: DataSource, citus: boolean): Promise<Map<string, number[]>> {
  if (citus) {
    const queryRunner = dataSource.createQueryRunner();
    await distributeTenantTables(queryRunner).finally(() => queryRunner.release());
  }
  const ids = new Map<string, number[]>();
  for (let t = 0; t < TENANTS; t++) {
    await runWithTenant(`t${t}`, async () => {
      const project = await dataSource.getRepository(Project).save({ name: `t${t}-project` });
      const products = await dataSource
        .getRepository(Product)
        .save(Array.from({ length: ROWS }, (_, i) => ({ name: `p${i}`, sku: `S-${i}`, price: i, projectId: project.id })));
      ids.set(
        `t${t}`,
        products.map((product) => product.id),
      );
    });
  }
  return ids;
}

const callOf = (ids: Map<string, number[]>, n: number): Call => {
  const tenant = `t${n % TENANTS}`;
  return { tenant, n, productId: ids.get(tenant)![n % ROWS] };
};

/** Mean wall milliseconds per operation, one client, tenants in turn, for SECONDS. */
async function measure(dataSource: DataSource, ids: Map<string, number[]>, operation: Operation): Promise<number> {
  const once = (n: number) => {
    const call = callOf(ids, n);
    return runWithTenant(call.tenant, () => operation(dataSource, call));
  };
  for (let n = 0; n < 20; n++) await once(n);
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < SECONDS * 1000) await once(n++);
  return (performance.now() - started) / n;
}

/** Shards each statement of one operation is routed to (EXPLAIN's Task Count). */
async function routing(dataSource: DataSource, ids: Map<string, number[]>, log: StatementLog, operation: Operation): Promise<number[]> {
  log.statements = [];
  log.recording = true;
  const call = callOf(ids, 1);
  await runWithTenant(call.tenant, () => operation(dataSource, call)).finally(() => (log.recording = false));
  const counts = [];
  for (const { query, parameters } of log.statements) {
    counts.push(taskCount((await dataSource.query(`EXPLAIN ${query}`, parameters)) as Array<{ 'QUERY PLAN': string }>) ?? Number.NaN);
  }
  return counts;
}

async function startCluster(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (process.env.BENCH_CITUS_URL) return { url: process.env.BENCH_CITUS_URL, stop: async () => {} };
  const script = process.env.CITUS_CLUSTER_SCRIPT ?? join(REPO, '..', 'shared', 'citus', 'citus-cluster.sh');
  const dir = '/tmp/tenancy-citus-bench';
  const { stdout } = await run('bash', [script, 'start', '--workers', '2', '--port', '9770', '--dir', dir], { maxBuffer: 1 << 24 });
  return { url: stdout.trim().split('\n').pop()!, stop: async () => void (await run('bash', [script, 'stop', '--dir', dir])) };
}

async function main(): Promise<void> {
  const cluster = await startCluster();
  const citusUrl = new URL(cluster.url);
  citusUrl.pathname = `/${DATABASE}`;
  await dropCitusDatabase(cluster.url, DATABASE);
  await createCitusDatabase(cluster.url, DATABASE);
  const pgUrl = await freshDatabase(
    process.env.BENCH_POSTGRES_URL ?? process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    DATABASE,
  );
  const log = new StatementLog();
  const citus = await open(citusUrl.toString(), true, log);
  const plain = await open(pgUrl, false);
  try {
    const citusIds = await seed(citus, true);
    const plainIds = await seed(plain, false);
    const samples = OPERATIONS.map(() => ({ postgres: [] as number[], citus: [] as number[] }));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [at, [, operation]] of OPERATIONS.entries()) {
        // Order alternates per round, so neither backend always runs on a warmer machine.
        const order = round % 2 ? (['citus', 'postgres'] as const) : (['postgres', 'citus'] as const);
        for (const backend of order) {
          samples[at][backend].push(
            await (backend === 'citus' ? measure(citus, citusIds, operation) : measure(plain, plainIds, operation)),
          );
        }
      }
    }
    const rows = [];
    for (const [at, [name, operation]] of OPERATIONS.entries()) {
      const postgres = median(samples[at].postgres);
      const onCitus = median(samples[at].citus);
      const tasks = await routing(citus, citusIds, log, operation);
      const routed = tasks.every((count) => count === 1) ? 'one shard' : 'FANS OUT';
      rows.push(
        `| ${name} | ${postgres.toFixed(2)} | ${onCitus.toFixed(2)} | ${(onCitus / postgres).toFixed(2)} | ${tasks.join(', ')} (${routed}) |`,
      );
    }
    const table = [
      '| operation (inside the tenant) | PostgreSQL ms | Citus ms | Citus / PostgreSQL | tasks per statement |',
      '|---|---|---|---|---|',
      ...rows,
    ].join('\n');
    console.log(table);
    await writeFile(
      REPORT,
      `# Benchmarks: Citus

Command: \`npm run build && node dist/scripts/bench/citus-bench.js\` (starts a Citus cluster with the shared tool
unless \`BENCH_CITUS_URL\` names one). Machine: ${machine()}.

Each figure is the mean wall time of one operation through the library (\`runWithTenant\` + the demo's
entities, row strategy), one client on one connection at a time, tenants taken in turn; medians of
${ROUNDS} rounds of ${SECONDS} s, backends alternating. PostgreSQL is a single server
(\`${new URL(pgUrl).host}\`); Citus is a coordinator with two workers on the same machine
(\`citus: true\` keys, tables distributed with \`distributeTenantTables\`, 32 shards),
${TENANTS} tenants × ${ROWS} products. The extra time on Citus is the coordinator planning the distributed
query and one more network hop to the worker holding the tenant's shard; on one machine with 2 cores
the hop is loopback and the nodes share the CPU, so these are upper bounds for the per-request cost,
not throughput figures for a real cluster. Writes are not comparable between the columns: the
shared cluster tool runs its nodes with \`fsync=off\` (throwaway data), the PostgreSQL server here with
\`fsync=on\`. Figures move by ±20 % between runs on this shared machine.

The last column is the routing check: every SQL statement the operation sent, EXPLAINed on the
coordinator; \`1\` means the statement runs on the one shard that holds the tenant.

${table}
`,
    );
  } finally {
    await citus.destroy();
    await plain.destroy();
    await dropCitusDatabase(cluster.url, DATABASE);
    await cluster.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
