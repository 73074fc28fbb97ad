import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { dropDatabase, freshDatabase, startPostgres } from '../../../support/postgres-server.js';
import { childJson } from '../support/child-json.js';
import { profileBuckets } from '../support/cpu-profile.js';
import { PlainCategory, PlainProduct } from '../support/plain-entities.js';
import { median, medianRoundRatio, PROFILE, roundRatioRange, saveResult, scaled } from '../support/report.js';
import { sqliteOptions } from '../support/sqlite-options.js';
import type { OrmResult, OrmRow, OrmProfile } from './orm-report.js';

/**
 * ORM path: the same operations written by hand (`where: { tenantId }`) and
 * through the library's filter, each mode in its own process, rounds
 * alternating the order; then one `--cpu-prof` run per operation of both
 * workers on each dialect, whose self time by bucket says where the
 * difference goes. Standalone: `node dist/scripts/bench/orm/orm-bench.js`.
 */
const here = dirname(fileURLToPath(import.meta.url));
// 2 s of warm-up: on a slower machine of the CI kind (AMD EPYC) a fresh process was still at a third of
// its steady rate after 0.5 s (JIT still compiling), which the timed rounds then counted.
const SETUP = { rounds: scaled(5, 2), seconds: scaled(1, 0.3), warmupSeconds: scaled(2, 0.2), profileSeconds: scaled(1.5, 0.5) };
const DATABASE = `tenancy_bench_orm_${process.versions.node.split('.')[0]}`;
type Sample = Record<string, { perCpuSecond: number; count: number; from: number; to: number }>;

async function seed(options: DataSourceOptions): Promise<void> {
  const ds = await new DataSource({
    ...options,
    entities: [PlainCategory, PlainProduct],
    synchronize: true,
    dropSchema: true,
  }).initialize();
  const categories = await ds.getRepository(PlainCategory).save(Array.from({ length: 5 }, (_, i) => ({ name: `c${i}` })));
  const rows = [];
  for (let t = 0; t < 10; t++)
    for (let i = 0; i < 100; i++) rows.push({ name: `p${i}`, sku: `s${t}-${i}`, price: i, tenantId: `t${t}`, category: categories[i % 5] });
  await ds.getRepository(PlainProduct).save(rows, { chunk: 200 });
  await ds.destroy();
}

const worker = (mode: string, dialect: string, url: string, seconds: number, only?: string, nodeArgs: string[] = []) =>
  childJson<Sample>(
    join(here, 'orm-worker.js'),
    [mode, dialect, url, String(seconds), String(SETUP.warmupSeconds), ...(only ? [only] : [])],
    nodeArgs,
  );

/**
 * Alternating baseline and tenancy processes, order swapped every round. The
 * ratio is the median of each round's own ratio (the two processes of a round
 * ran back to back, under the same neighbours); the throughputs shown are medians.
 */
async function compare(dialect: string, url: string): Promise<OrmRow[]> {
  const samples: Record<string, Record<string, number[]>> = { baseline: {}, 'baseline-cls': {}, tenancy: {} };
  for (let round = 0; round < SETUP.rounds; round++) {
    const modes = ['baseline', 'baseline-cls', 'tenancy'];
    for (const mode of round % 2 ? modes.reverse() : modes) {
      for (const [op, value] of Object.entries(await worker(mode, dialect, url, SETUP.seconds))) {
        (samples[mode][op] ??= []).push(value.perCpuSecond);
      }
    }
  }
  return Object.keys(samples.baseline).map((op) => {
    const [base, cls, tenancy] = ['baseline', 'baseline-cls', 'tenancy'].map((mode) => median(samples[mode][op]));
    const ratio = medianRoundRatio(samples.baseline[op], samples.tenancy[op]);
    const ratioRange = roundRatioRange(samples.baseline[op], samples.tenancy[op]);
    const clsRatio = medianRoundRatio(samples['baseline-cls'][op], samples.tenancy[op]);
    return { dialect, op, base, cls, tenancy, ratio, ratioRange, clsRatio };
  });
}

/** Self µs per operation by bucket, from one `--cpu-prof` worker of `mode` running `op` alone (its timed loop only). */
async function profiledOp(
  mode: string,
  dialect: string,
  url: string,
  op: string,
): Promise<{ count: number; perOp: Record<string, number> }> {
  const dir = await mkdtemp(join(tmpdir(), 'orm-bench-prof-'));
  try {
    const result = await worker(mode, dialect, url, SETUP.profileSeconds, op, ['--cpu-prof', '--cpu-prof-dir', dir]);
    const { count, from, to } = result[op];
    const buckets = await profileBuckets(dir, from, to);
    return { count, perOp: Object.fromEntries([...buckets].map(([name, micros]) => [name, micros / count])) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Per operation, the hand-written worker and the library's, each profiled: the buckets that grow say where the difference goes. */
async function profile(dialect: string, url: string, ops: string[]): Promise<OrmProfile[]> {
  const profiles: OrmProfile[] = [];
  for (const op of ops) {
    const baseline = await profiledOp('baseline', dialect, url, op);
    const tenancy = await profiledOp('tenancy', dialect, url, op);
    profiles.push({ dialect, op, count: tenancy.count, perOp: tenancy.perOp, baselinePerOp: baseline.perOp });
  }
  return profiles;
}

async function main() {
  const postgres = await startPostgres();
  const dir = await mkdtemp(join(tmpdir(), 'tenancy-bench-'));
  try {
    const sqliteFile = join(dir, 'bench.db');
    await seed(sqliteOptions(sqliteFile));
    const pgUrl = await freshDatabase(postgres.url, DATABASE);
    await seed({ type: 'postgres', url: pgUrl });
    const rows = [...(await compare('sqlite', sqliteFile)), ...(await compare('postgres', pgUrl))];
    for (const row of rows) console.log(`${row.dialect} ${row.op}: ${row.ratio.toFixed(3)}`);
    const ops = [...new Set(rows.map((row) => row.op))];
    const profiles = PROFILE ? [...(await profile('sqlite', sqliteFile, ops)), ...(await profile('postgres', pgUrl, ops))] : [];
    const result: OrmResult = { setup: SETUP, rows, profiles };
    await saveResult(result);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await dropDatabase(postgres.url, DATABASE);
    await postgres.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
