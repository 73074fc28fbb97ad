import { machine, runtimeHeaders, verdictCell, type RuntimeResult } from '../support/report.js';

export const RLS_TARGET = 1.05;

type Modes<T> = { off: T; on: T; naive: T };
/** Latency modes: `setting` is the library's hook on the database without policies. */
type LatencyModes<T> = Modes<T> & { setting: T };

export interface RlsRow {
  name: string;
  /** Median ms per call. */
  ms: LatencyModes<number>;
  /** Median over rounds of the per-round median ratio to "orm only" (NaN: mode not run). */
  ratio: { on: number; setting: number; naive: number };
  /** Round trips to PostgreSQL per call. */
  roundTrips: Modes<number>;
}

export interface RlsResult {
  setup: { rounds: number; perRound: number; concurrency: number; throughputRounds: number };
  rows: RlsRow[];
  geomean: { on: number; setting: number; naive: number };
  throughput: { opsPerSecond: Modes<number>; cost: { on: number; naive: number } };
}

const num = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : '-');

export function renderRls(results: Array<RuntimeResult<RlsResult>>): string {
  const [primary] = results;
  const { setup } = primary.result;
  const names = primary.result.rows.map((row) => row.name);
  const cell = (r: RuntimeResult<RlsResult>, name: string) => {
    const row = r.result.rows.find((x) => x.name === name);
    return row
      ? `${num(row.ms.off)} / ${num(row.ms.on)} | ${verdictCell(row.ratio.on, RLS_TARGET, 'max')} | ${num(row.ratio.setting)} | ${num(row.ratio.naive)}`
      : '- | - | - | -';
  };
  const trips = primary.result.rows.map(
    (row) => `| ${row.name} | ${num(row.roundTrips.off, 1)} | ${num(row.roundTrips.on, 1)} | ${num(row.roundTrips.naive, 1)} |`,
  );
  const extra = primary.result.rows.filter((row) => row.roundTrips.on > row.roundTrips.off + 0.05);
  const summary = results
    .map(
      ({ runtime, result }) =>
        `${runtime}: geometric mean orm+rls / orm only ${verdictCell(result.geomean.on, RLS_TARGET, 'max')} (the setting alone, no policies: ${num(result.geomean.setting)}; naive ${num(result.geomean.naive)}); ` +
        `throughput with ${result.setup.concurrency} concurrent callers, pool 4, mixed operations: orm only ${result.throughput.opsPerSecond.off.toFixed(0)} ops/s, ` +
        `orm+rls ${result.throughput.opsPerSecond.on.toFixed(0)}, naive ${result.throughput.opsPerSecond.naive.toFixed(0)}; cost ratio orm+rls ${num(result.throughput.cost.on)}×, naive ${num(result.throughput.cost.naive)}×.`,
    )
    .join('\n\n');
  return `## Row-Level Security on vs off

Command: \`npm run bench\` (this section: \`node dist/scripts/bench/rls/rls-bench.js\` on each runtime). Machine: ${machine()}; runtimes: ${runtimeHeaders(results)}.
Same ORM operations, same app role and rows, with and without the RLS policies ("orm only" = the ORM filter alone);
"setting only" is this library's RLS hook on the database without policies: what sending the setting with each
statement costs (client work and the server's \`set_config\`); the rest of orm+rls over orm only is PostgreSQL evaluating
the policies. "naive rls" wraps each unit of work in BEGIN / set_config / statement / COMMIT, the common way to feed RLS. Latency
ratios are medians over ${setup.rounds - 1} rounds of the per-round median ratio (${setup.perRound} calls per mode per round, modes interleaved).

| operation | ${results.map((r) => `${r.runtime}: ms orm only / orm+rls | ratio (≤ ${RLS_TARGET}) | setting only | naive ratio`).join(' | ')} |
|---|${results.map(() => '---|---|---|---|').join('')}
${names.map((name) => `| ${name} | ${results.map((r) => cell(r, name)).join(' | ')} |`).join('\n')}

${summary}

Round trips to PostgreSQL per call (Sync and simple-Query messages counted on pg's connection, ${primary.runtime}):
${extra.length === 0 ? 'the RLS setting never costs a round trip of its own.' : `an extra round trip in ${extra.map((row) => row.name).join(', ')}.`}

| operation | orm only | orm+rls | naive rls |
|---|---|---|---|
${trips.join('\n')}`;
}
