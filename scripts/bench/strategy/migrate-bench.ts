import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { enableSchemaTenancy, runWithTenant, SchemaTenancyManager } from 'nestjs-tenancy';
import { dropDatabase, freshDatabase, startPostgres } from '../../../support/postgres-server.js';
import { saveResult, scaled } from '../support/report.js';
import { Organization, Product, Project } from '../schema-data-source.js';
import type { MigrateResult } from './migrate-report.js';

/**
 * The schema strategy at scale: provision N tenant schemas (BENCH_SCHEMAS,
 * `npm run bench -- --schemas 10000`), then a no-op migrateAll over all of
 * them, then the same after one schema lost an index (it must be repaired),
 * with wall time and this process's RSS along the way. Standalone:
 * `node dist/scripts/bench/strategy/migrate-bench.js`.
 */
const SCHEMAS = Number(process.env.BENCH_SCHEMAS ?? scaled(1000, 50));
const CONCURRENCY = 4;
const DIFF_SAMPLE = Math.min(SCHEMAS, scaled(50, 10));
const CONFIG = { prefix: 'tenant_', sharedSchema: 'public' };
const tenantId = (i: number) => `t${String(i).padStart(5, '0')}`;
const rssMiB = () => process.memoryUsage().rss / 2 ** 20;

async function main(): Promise<void> {
  const server = await startPostgres();
  const ds = new DataSource({
    type: 'postgres',
    url: await freshDatabase(server.url, 'tenancy_bench_migrate'),
    entities: [Organization, Project, Product],
    poolSize: 5,
  });
  await ds.initialize();
  enableSchemaTenancy(ds, CONFIG);
  await ds.synchronize();
  const manager = new SchemaTenancyManager(ds, CONFIG);
  try {
    const checkpoints: MigrateResult['provision']['rss'] = [];
    let next = 0;
    let provisionMillis = 0;
    const every = Math.max(1, Math.floor(SCHEMAS / 5));
    const provisionUpTo = async (count: number) => {
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < count) {
            const i = next++;
            await manager.createTenantSchema(tenantId(i));
            if ((i + 1) % every === 0) checkpoints.push({ schemas: i + 1, rssMiB: rssMiB() });
          }
        }),
      );
      provisionMillis += performance.now() - started;
    };
    // A run past 1,000 schemas also times the no-op migrate at 1,000 on its way (the target is set for 1,000).
    let noopAt1000: MigrateResult['noopAt1000'];
    if (SCHEMAS > 1000) {
      await provisionUpTo(1000);
      const started = performance.now();
      const at1000 = await manager.migrateAll({ concurrency: CONCURRENCY });
      noopAt1000 = { seconds: (performance.now() - started) / 1000, unchanged: at1000.unchanged, migrated: at1000.migrated };
      console.log(`no-op migrate at 1000 schemas: ${noopAt1000.seconds.toFixed(1)} s`);
    }
    await provisionUpTo(SCHEMAS);
    const provisionSeconds = provisionMillis / 1000;
    console.log(`provisioned ${SCHEMAS} schemas in ${provisionSeconds.toFixed(1)} s`);

    const noop = performance.now();
    const first = await manager.migrateAll({ concurrency: CONCURRENCY });
    const noopSeconds = (performance.now() - noop) / 1000;
    console.log(`no-op migrate: ${noopSeconds.toFixed(1)} s, ${first.unchanged} of ${first.migrated} matched the catalog`);

    // One schema drifts: the next migrate must find it and put the index back.
    const drifted = tenantId(SCHEMAS - 1);
    const [index] = (await ds.query(
      `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'products' AND indexdef LIKE '%UNIQUE%sku%'`,
      [manager.schemaOf(drifted)],
    )) as Array<{ indexname: string }>;
    await ds.query(`DROP INDEX ${ds.driver.escape(manager.schemaOf(drifted))}.${ds.driver.escape(index.indexname)}`);
    const repair = performance.now();
    const second = await manager.migrateAll({ concurrency: CONCURRENCY });
    const repairSeconds = (performance.now() - repair) / 1000;
    const restored = (await ds.query(`SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND indexname = $2`, [
      manager.schemaOf(drifted),
      index.indexname,
    ])) as unknown[];
    if (restored.length !== 1) throw new Error(`migrateAll did not restore ${index.indexname} in the drifted schema`);

    // What migrate cost per schema before: TypeORM's schema diff, one schema at a time.
    const diff = performance.now();
    for (let i = 0; i < DIFF_SAMPLE; i++) await runWithTenant(tenantId(i), () => ds.driver.createSchemaBuilder().build());
    const diffMillisPerSchema = (performance.now() - diff) / DIFF_SAMPLE;

    const result: MigrateResult = {
      schemas: SCHEMAS,
      concurrency: CONCURRENCY,
      provision: { seconds: provisionSeconds, rss: checkpoints.sort((a, b) => a.schemas - b.schemas) },
      noop: { seconds: noopSeconds, unchanged: first.unchanged, migrated: first.migrated },
      ...(noopAt1000 ? { noopAt1000 } : {}),
      drift: { seconds: repairSeconds, unchanged: second.unchanged, restored: true },
      diff: { sample: DIFF_SAMPLE, millisPerSchema: diffMillisPerSchema },
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
    };
    await saveResult(result);
  } finally {
    await ds.destroy();
    await dropDatabase(server.url, 'tenancy_bench_migrate');
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
