import 'reflect-metadata';
import { DataSource, type DataSourceOptions, type ObjectLiteral, type Repository } from 'typeorm';
import { sqliteMemoryCopy } from '../support/sqlite-options.js';

/**
 * One measurement process: `baseline` (plain TypeORM, hand-written tenant
 * conditions, library never loaded), `baseline-cls` (the same inside a
 * nestjs-cls context per operation) or `tenancy` (the library's filter).
 * Prints one JSON line: operations per CPU-second, and operations counted, per
 * operation. `only` limits the run to one operation (the profiled runs).
 */
const [mode, dialect, url, seconds = '1', warmup = '0.5', only] = process.argv.slice(2);
const TENANTS = 10;
const ROWS_PER_TENANT = 100;
const tenantIds = Array.from({ length: TENANTS }, (_, i) => `t${i}`);

type Op = (tenantId: string, i: number) => Promise<unknown>;

/**
 * Operations per second of this process's CPU time (user + system): on a
 * shared, loaded machine wall time mostly measures the neighbours. The
 * library's cost is client-side CPU, so this is the figure that isolates it.
 */
interface Measured {
  perCpuSecond: number;
  count: number;
  /** The timed loop on the monotonic clock (µs) that --cpu-prof stamps samples with. */
  from: number;
  to: number;
}

const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

async function measure(op: Op): Promise<Measured> {
  // Warm-up by time, not by count: after a few hundred operations V8 is still
  // compiling on its background threads, whose CPU the timed loop would count.
  const warm = process.hrtime.bigint() + BigInt(Math.round(Number(warmup) * 1e9));
  for (let i = 0; i < 500 || process.hrtime.bigint() < warm; i++) await op(tenantIds[i % TENANTS], i);
  const budget = Number(seconds) * 1e9;
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const from = monotonicMicros();
  let count = 0;
  while (Number(process.hrtime.bigint() - start) < budget) {
    await op(tenantIds[count % TENANTS], count);
    count++;
  }
  const used = process.cpuUsage(cpu);
  return { perCpuSecond: count / ((used.user + used.system) / 1e6), count, from, to: monotonicMicros() };
}

async function main() {
  const base: DataSourceOptions = dialect === 'sqlite' ? sqliteMemoryCopy(url) : { type: 'postgres', url, poolSize: 4 };
  let ops: Record<string, Op>;
  let dataSource: DataSource;
  if (mode === 'baseline' || mode === 'baseline-cls') {
    const { PlainCategory, PlainProduct } = await import('../support/plain-entities.js');
    dataSource = await new DataSource({ ...base, entities: [PlainCategory, PlainProduct] }).initialize();
    const repo: Repository<InstanceType<typeof PlainProduct>> = dataSource.getRepository(PlainProduct);
    const ids = await idsByTenant(repo);
    // baseline-cls: the same hand-written queries in an app that already keeps a
    // request context in AsyncLocalStorage (nestjs-cls), as most Nest apps do.
    const { ClsServiceManager } = await import('nestjs-cls');
    const cls = ClsServiceManager.getClsService();
    const scoped = <T>(t: string, fn: () => Promise<T>) => (mode === 'baseline' ? fn() : cls.runWith({ tenant: t } as never, fn));
    ops = {
      'find by id': (t, i) => scoped(t, () => repo.findOne({ where: { id: ids[t][i % ROWS_PER_TENANT], tenantId: t } })),
      'list 100 rows': (t) => scoped(t, () => repo.find({ where: { tenantId: t }, take: 100 })),
      'join with a relation': (t, i) =>
        scoped(t, () => repo.findOne({ where: { id: ids[t][i % ROWS_PER_TENANT], tenantId: t }, relations: { category: true } })),
      'update by id': (t, i) => scoped(t, () => repo.update({ id: ids[t][i % ROWS_PER_TENANT], tenantId: t }, { price: i })),
      insert: (t, i) => scoped(t, () => repo.insert({ name: `n${i}`, sku: `b${i}`, tenantId: t })),
    };
  } else {
    const { runWithTenant } = await import('nestjs-tenancy');
    const { Category, Product } = await import('../support/tenant-entities.js');
    dataSource = await new DataSource({ ...base, entities: [Category, Product] }).initialize();
    const repo = dataSource.getRepository(Product);
    const ids = await idsByTenant(repo, (t, fn) => runWithTenant(t, fn));
    ops = {
      'find by id': (t, i) => runWithTenant(t, () => repo.findOne({ where: { id: ids[t][i % ROWS_PER_TENANT] } })),
      'list 100 rows': (t) => runWithTenant(t, () => repo.find({ take: 100 })),
      'join with a relation': (t, i) =>
        runWithTenant(t, () => repo.findOne({ where: { id: ids[t][i % ROWS_PER_TENANT] }, relations: { category: true } })),
      'update by id': (t, i) => runWithTenant(t, () => repo.update({ id: ids[t][i % ROWS_PER_TENANT] }, { price: i })),
      insert: (t, i) => runWithTenant(t, () => repo.insert({ name: `n${i}`, sku: `s${i}` })),
    };
  }
  const result: Record<string, Measured> = {};
  for (const [name, op] of Object.entries(ops)) if (!only || name === only) result[name] = await measure(op);
  await dataSource.destroy();
  console.log(JSON.stringify(result));
}

/** The first 100 product ids of each tenant, read the way each mode reads. */
async function idsByTenant<T extends ObjectLiteral>(
  repo: Repository<T>,
  scope: (tenantId: string, fn: () => Promise<T[]>) => Promise<T[]> = (_t, fn) => fn(),
): Promise<Record<string, number[]>> {
  const ids: Record<string, number[]> = {};
  for (const t of tenantIds) {
    const where = (mode.startsWith('baseline') ? { tenantId: t } : {}) as never;
    const rows = await scope(t, () => repo.find({ where, take: ROWS_PER_TENANT, order: { id: 'ASC' } as never }));
    ids[t] = rows.map((row) => (row as unknown as { id: number }).id);
  }
  return ids;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
