import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { enableSchemaTenancy, runWithTenant, SchemaTenancyManager } from 'nestjs-tenancy';
import { dropDatabase, freshDatabase, startPostgres } from '../../../support/postgres-server.js';
import { median, medianRoundRatio, QUICK, saveResult, scaled } from '../support/report.js';
import { Organization, Product, Project } from '../schema-data-source.js';
import type { StrategyResult, StrategyRow } from './strategy-report.js';

/**
 * Row strategy vs schema strategy per request, and how both scale with the
 * number of tenants: 10 to 10,000 tenants with a fixed 20 rows each (row: one
 * shared table grows; schema: one schema per tenant, up to SCHEMA_MAX here;
 * the 10,000-schema run and its memory are migrate-bench). Per-request cost
 * should stay flat as tenants grow.
 */
const SCALES = QUICK ? [10, 100] : [10, 100, 1000, 10000];
const SCHEMA_MAX = scaled(1000, 100);
const ROWS = 20;
const CALLS = Number(process.env.BENCH_CALLS ?? scaled(1000, 300));
const ROUNDS = scaled(5, 2);
/** By time: V8 keeps compiling on background threads for a while after the first few hundred calls. */
const WARMUP_MS = scaled(500, 200);
const CONFIG = { prefix: 'tenant_', sharedSchema: 'public' };

const tenantId = (i: number) => `t${String(i).padStart(4, '0')}`;

/** The row strategy's tenants in bulk, bypassing nothing: one multi-row insert per tenant would take minutes at 10,000. */
async function seedRowTenants(ds: DataSource, from: number, to: number): Promise<void> {
  await ds.query(
    `INSERT INTO products (name, sku, price, tenant_id) SELECT 'p' || n, 's' || n, n, 't' || lpad(t::text, 4, '0')
     FROM generate_series($1::int, $2::int) AS t, generate_series(0, ${ROWS - 1}) AS n`,
    [from, to - 1],
  );
  await ds.query('ANALYZE products');
}

async function seedTenant(ds: DataSource, id: string): Promise<void> {
  await runWithTenant(id, () =>
    ds.getRepository(Product).insert(Array.from({ length: ROWS }, (_, i) => ({ name: `p${i}`, sku: `s${i}`, price: String(i) }))),
  );
}

/** One "request": find one product by sku and list the tenant's products, for a random tenant. */
async function request(ds: DataSource, tenants: number, i: number): Promise<void> {
  await runWithTenant(tenantId((i * 7919) % tenants), async () => {
    await ds.getRepository(Product).findOneBy({ sku: `s${i % ROWS}` });
    await ds.getRepository(Product).find({ take: ROWS });
  });
}

async function measure(ds: DataSource, tenants: number): Promise<{ micros: number; cpuMicros: number }> {
  const warm = performance.now() + WARMUP_MS;
  for (let i = 0; i < 200 || performance.now() < warm; i++) await request(ds, tenants, i);
  const times: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) {
    const start = performance.now();
    await request(ds, tenants, i);
    times.push((performance.now() - start) * 1000);
  }
  const used = process.cpuUsage(cpu);
  return { micros: median(times), cpuMicros: (used.user + used.system) / CALLS };
}

const ENTITIES = [Organization, Project, Product];

/** One database per strategy and scale, all seeded first: the rounds then interleave every cell, so drift hits all alike. */
async function rowDatabase(adminUrl: string, tenants: number): Promise<DataSource> {
  const ds = await new DataSource({
    type: 'postgres',
    url: await freshDatabase(adminUrl, `tenancy_bench_row_${tenants}`),
    entities: ENTITIES,
    synchronize: true,
    poolSize: 2,
  }).initialize();
  await seedRowTenants(ds, 0, tenants);
  return ds;
}

async function schemaDatabase(adminUrl: string, tenants: number): Promise<DataSource> {
  const ds = await new DataSource({
    type: 'postgres',
    url: await freshDatabase(adminUrl, `tenancy_bench_schema_${tenants}`),
    entities: ENTITIES,
    poolSize: 2,
  }).initialize();
  enableSchemaTenancy(ds, CONFIG);
  await ds.synchronize();
  const schemas = new SchemaTenancyManager(ds, CONFIG);
  for (let i = 0; i < tenants; i++) {
    await schemas.createTenantSchema(tenantId(i));
    await seedTenant(ds, tenantId(i));
  }
  return ds;
}

async function main(): Promise<void> {
  const server = await startPostgres();
  const cells: Array<{ mode: 'row' | 'schema'; tenants: number; ds: DataSource; wall: number[]; cpu: number[] }> = [];
  try {
    for (const tenants of SCALES) {
      cells.push({ mode: 'row', tenants, ds: await rowDatabase(server.url, tenants), wall: [], cpu: [] });
      if (tenants <= SCHEMA_MAX) cells.push({ mode: 'schema', tenants, ds: await schemaDatabase(server.url, tenants), wall: [], cpu: [] });
      console.log(`seeded ${tenants} tenants`);
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const cell of round % 2 ? [...cells].reverse() : cells) {
        const result = await measure(cell.ds, cell.tenants);
        cell.wall.push(result.micros);
        cell.cpu.push(result.cpuMicros);
      }
    }
    const timing = (cell: (typeof cells)[number] | undefined) =>
      cell ? { micros: median(cell.wall), cpuMicros: median(cell.cpu) } : undefined;
    const smallest = cells.find((cell) => cell.mode === 'row' && cell.tenants === SCALES[0])!;
    const rows: StrategyRow[] = [];
    for (const tenants of SCALES) {
      const row = cells.find((cell) => cell.mode === 'row' && cell.tenants === tenants)!;
      const schema = cells.find((cell) => cell.mode === 'schema' && cell.tenants === tenants);
      rows.push({
        tenants,
        row: timing(row)!,
        schema: timing(schema),
        rowOverSmallest: medianRoundRatio(row.wall, smallest.wall),
        schemaOverRow: schema ? medianRoundRatio(schema.wall, row.wall) : undefined,
        indexDepth: await btreeDepth(row.ds),
      });
      console.log(JSON.stringify(rows.at(-1)));
    }
    const result: StrategyResult = { setup: { rows: ROWS, calls: CALLS, rounds: ROUNDS, warmupMs: WARMUP_MS }, rows };
    await saveResult(result);
  } finally {
    for (const cell of cells) {
      await cell.ds.destroy();
      await dropDatabase(server.url, `tenancy_bench_${cell.mode}_${cell.tenants}`);
    }
    await server.stop();
  }
}

/** Levels of the row strategy's tenant_id index (pageinspect's metapage), when the server has that extension. */
async function btreeDepth(ds: DataSource): Promise<number | undefined> {
  try {
    await ds.query('CREATE EXTENSION IF NOT EXISTS pageinspect');
    const [index] = (await ds.query(
      `SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0] WHERE t.relname = 'products' AND a.attname = 'tenant_id'
       ORDER BY i.indnatts LIMIT 1`,
    )) as Array<{ name: string }>;
    if (!index) return undefined;
    const [meta] = (await ds.query('SELECT level FROM bt_metap(quote_ident($1))', [index.name])) as Array<{ level: number | string }>;
    return Number(meta.level) + 1;
  } catch {
    return undefined;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
