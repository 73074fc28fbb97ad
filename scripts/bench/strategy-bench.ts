import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { enableSchemaTenancy, runWithTenant, SchemaTenancyManager } from 'nestjs-tenancy';
import { freshDatabase, startPostgres } from '../../support/postgres-server.js';
import { machine, median, writeSection } from './bench-report.js';
import { Organization, Product, Project } from './schema-data-source.js';

/**
 * Row strategy vs schema strategy per request, and how both scale with the
 * number of tenants: 10, 100, 1,000 tenants with a fixed 20 rows each (row:
 * one shared table grows; schema: one schema per tenant). Per-request cost and
 * process memory should stay flat as tenants grow.
 */
const SCALES = [10, 100, 1000];
const ROWS = 20;
const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const CONFIG = { prefix: 'tenant_', sharedSchema: 'public' };

const tenantId = (i: number) => `t${String(i).padStart(4, '0')}`;

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
  for (let i = 0; i < 200; i++) await request(ds, tenants, i);
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

async function main(): Promise<void> {
  const server = await startPostgres();
  const entities = [Organization, Project, Product];
  const row = await new DataSource({
    type: 'postgres',
    url: await freshDatabase(server.url, 'tenancy_bench_row'),
    entities,
    synchronize: true,
    poolSize: 5,
  }).initialize();
  const schema = await new DataSource({
    type: 'postgres',
    url: await freshDatabase(server.url, 'tenancy_bench_schema'),
    entities,
    poolSize: 5,
  }).initialize();
  enableSchemaTenancy(schema, CONFIG);
  await schema.synchronize();
  const schemas = new SchemaTenancyManager(schema, CONFIG);
  const lines: string[] = [];
  let seeded = 0;
  try {
    for (const scale of SCALES) {
      for (; seeded < scale; seeded++) {
        await seedTenant(row, tenantId(seeded));
        await schemas.createTenantSchema(tenantId(seeded));
        await seedTenant(schema, tenantId(seeded));
      }
      const samples = { row: [] as number[], schema: [] as number[], rowCpu: [] as number[], schemaCpu: [] as number[] };
      for (let round = 0; round < 3; round++) {
        for (const mode of round % 2 ? (['schema', 'row'] as const) : (['row', 'schema'] as const)) {
          const result = await measure(mode === 'row' ? row : schema, scale);
          samples[mode].push(result.micros);
          samples[`${mode}Cpu`].push(result.cpuMicros);
        }
      }
      global.gc?.();
      const rss = process.memoryUsage().rss / 2 ** 20;
      const [r, s] = [median(samples.row), median(samples.schema)];
      const line = `| ${scale} | ${r.toFixed(0)} | ${median(samples.rowCpu).toFixed(0)} | ${s.toFixed(0)} | ${median(samples.schemaCpu).toFixed(0)} | ${(s / r).toFixed(3)} | ${rss.toFixed(0)} |`;
      lines.push(line);
      console.log(line);
    }
  } finally {
    await row.destroy();
    await schema.destroy();
    await server.stop();
  }
  const [first, last] = [lines[0], lines.at(-1)];
  await writeSection(
    'strategy',
    `## Row vs schema strategy, and scale with the number of tenants

Command: \`npm run bench\` (this section: \`node --expose-gc dist/scripts/bench/strategy-bench.js\`). Machine: ${machine()}.
One "request" = inside \`runWithTenant\` for a random tenant: find one product by sku, then list the
tenant's ${ROWS} products (PostgreSQL, pool of 5, sequential). Median wall time and client CPU per
request over ${CALLS} requests, median of 3 rounds, modes interleaved; RSS of the benchmark process
after the round (both DataSources live in it). Tenants have a fixed ${ROWS} rows each; the row
strategy shares one table, the schema strategy has one schema per tenant.

| tenants | row µs/request | row CPU µs | schema µs/request | schema CPU µs | schema / row | process RSS MiB |
|---|---|---|---|---|---|---|
${lines.join('\n')}

Flatness: from ${SCALES[0]} to ${SCALES.at(-1)} tenants, compare the first and last rows
(${first?.split('|')[2]?.trim()} → ${last?.split('|')[2]?.trim()} µs for the row strategy,
${first?.split('|')[4]?.trim()} → ${last?.split('|')[4]?.trim()} µs for the schema strategy).`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
