import { BUCKET_NAMES, LIBRARY_BUCKETS } from '../support/cpu-profile.js';
import { machine, runtimeHeaders, verdictCell, type RuntimeResult } from '../support/report.js';

export const ORM_TARGET = 1.03;

export interface OrmRow {
  dialect: string;
  op: string;
  base: number;
  cls: number;
  tenancy: number;
  /** Client CPU per operation with the library over the same operation by hand. */
  ratio: number;
  /** The lowest and highest round ratio: a cell whose range spans the target is within this run's noise. */
  ratioRange: [number, number];
  clsRatio: number;
}

export interface OrmProfile {
  dialect: string;
  op: string;
  count: number;
  /** Self µs per operation, by profile bucket: the library's worker. */
  perOp: Record<string, number>;
  /** The same for the hand-written worker. */
  baselinePerOp: Record<string, number>;
}

export interface OrmResult {
  setup: { rounds: number; seconds: number; warmupSeconds: number; profileSeconds: number };
  rows: OrmRow[];
  profiles: OrmProfile[];
}

const total = (perOp: Record<string, number>) => Object.values(perOp).reduce((sum, v) => sum + v, 0);
const library = (perOp: Record<string, number>) => LIBRARY_BUCKETS.reduce((sum, name) => sum + (perOp[name] ?? 0), 0);

/** The buckets that grew most from the hand-written worker to the library's, as `name +µs`. */
function growth(p: OrmProfile, count = 3): string {
  return BUCKET_NAMES.map((name) => [name, (p.perOp[name] ?? 0) - (p.baselinePerOp[name] ?? 0)] as const)
    .filter(([, delta]) => delta >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, delta]) => `${name} +${delta.toFixed(1)}`)
    .join(', ');
}

/** Per operation: both workers' profiled µs, the library's own code, and the buckets that grew (generated from the profiles). */
function profileTable(profiles: OrmProfile[]): string {
  const lines = profiles.map((p) => {
    const [before, after] = [total(p.baselinePerOp), total(p.perOp)];
    const own = library(p.perOp);
    const parts = LIBRARY_BUCKETS.filter((name) => (p.perOp[name] ?? 0) >= 0.05)
      .map((name) => `${name.replace('tenancy: ', '')} ${p.perOp[name].toFixed(1)}`)
      .join(', ');
    return `| ${p.dialect} | ${p.op} | ${before.toFixed(1)} → ${after.toFixed(1)} | ${own.toFixed(1)} (${parts || '-'}) | ${growth(p) || '-'} |`;
  });
  return [
    "| dialect | operation | profiled CPU µs per operation, hand-written → library | the library's own code, µs (by layer) | buckets that grew most, µs |",
    '|---|---|---|---|---|',
    ...lines,
  ].join('\n');
}

function missedProse(primary: RuntimeResult<OrmResult>): string {
  const missed = primary.result.rows.filter((row) => row.ratio > ORM_TARGET);
  if (missed.length === 0) return `On ${primary.runtime} every cell meets the target (≤ ${ORM_TARGET}).`;
  const cells = missed.map((row) => {
    const p = primary.result.profiles.find((x) => x.dialect === row.dialect && x.op === row.op);
    const where = p
      ? `; profiled, the library's own code is ${library(p.perOp).toFixed(1)} µs of ${total(p.perOp).toFixed(1)} and the buckets that grew are ${growth(p) || 'none'}`
      : '';
    return `${row.dialect} ${row.op} ${row.ratio.toFixed(3)} (over by ${((row.ratio - ORM_TARGET) * 100).toFixed(1)} points${where})`;
  });
  const inNoise = missed.filter((row) => row.ratioRange[0] <= ORM_TARGET).map((row) => `${row.dialect} ${row.op}`);
  const noise = inNoise.length
    ? ` Of these, ${inNoise.join(', ')} had at least one round at or under the target: the miss is within this run's spread.`
    : '';
  return `On ${primary.runtime} ${missed.length} of ${primary.result.rows.length} cells miss the target ≤ ${ORM_TARGET}: ${cells.join('; ')}.${noise} Compare the plain and plain + CLS columns for this run's noise: they do nearly the same work.`;
}

/** ` (rounds 0.98–1.07)`: the lowest and highest round ratio. */
const range = (row: OrmRow) => ` (rounds ${row.ratioRange[0].toFixed(2)}–${row.ratioRange[1].toFixed(2)})`;

export function renderOrm(results: Array<RuntimeResult<OrmResult>>): string {
  const [primary] = results;
  const keys = primary.result.rows.map((row) => `${row.dialect}|${row.op}`);
  const cell = (r: RuntimeResult<OrmResult>, key: string) => {
    const row = r.result.rows.find((x) => `${x.dialect}|${x.op}` === key);
    return row
      ? `${row.base.toFixed(0)} / ${row.tenancy.toFixed(0)} | ${verdictCell(row.ratio, ORM_TARGET, 'max')}${range(row)} | ${row.clsRatio.toFixed(3)}`
      : '- | - | -';
  };
  const table = [
    `| dialect | operation | ${results.map((r) => `${r.runtime}: plain / tenancy ops per CPU-s | ratio (≤ ${ORM_TARGET}) | vs plain + CLS`).join(' | ')} |`,
    `|---|---|${results.map(() => '---|---|---|').join('')}`,
    ...keys.map((key) => `| ${key.replace('|', ' | ')} | ${results.map((r) => cell(r, key)).join(' | ')} |`),
  ].join('\n');
  const { setup } = primary.result;
  return `## ORM path: tenancy filter vs hand-written \`where: { tenantId }\`

Command: \`npm run bench\` (this section: \`node dist/scripts/bench/orm/orm-bench.js\` on each runtime). Machine: ${machine()}; runtimes: ${runtimeHeaders(results)}.
Figures are operations per CPU-second of the client process, medians of ${setup.rounds} rounds of ${setup.seconds} s per operation,
each after ${setup.warmupSeconds} s of warm-up (by time: V8 compiles on background threads whose CPU would otherwise count);
every round runs three processes one after the other, order alternating: plain TypeORM with the tenant condition written
by hand (the library never loaded), the same inside a nestjs-cls context per operation, and the library (each operation
inside \`runWithTenant\`, no tenant in the query). 10 tenants × 100 rows. The ratio is the client CPU cost of one operation
with the library over the same operation by hand, the median of the rounds' own ratios, with their lowest and highest (PostgreSQL server time is the same
for both: one extra indexed equality). Each runtime's ratio is against its own baseline, measured in the same run.

${table}

${missedProse(primary)}

Where the time goes on ${primary.runtime}: one \`node --cpu-prof\` run per operation of the hand-written worker and of the
library's, ${setup.profileSeconds} s each, samples of the timed loop only, self time per operation bucketed by source file
(generated from the profiles, not written by hand):

${primary.result.profiles.length ? profileTable(primary.result.profiles) : '(not profiled in this run)'}`;
}
