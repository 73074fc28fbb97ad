import { machine, runtimeHeaders, type RuntimeResult } from '../support/report.js';

export const SCALE_TARGET = 1.1;
export const SCHEMA_TARGET = 1.05;

interface Timing {
  micros: number;
  cpuMicros: number;
}

export interface StrategyRow {
  tenants: number;
  row: Timing;
  schema?: Timing;
  /** Median over rounds of this scale's row request over the smallest scale's, same round. */
  rowOverSmallest: number;
  /** Median over rounds of schema over row at this scale, same round. */
  schemaOverRow?: number;
  /** Levels of the row strategy's tenant_id btree, when measurable. */
  indexDepth?: number;
}

export interface StrategyResult {
  setup: { rows: number; calls: number; rounds: number; warmupMs: number };
  rows: StrategyRow[];
}

const us = (t: Timing | undefined) => (t ? `${t.micros.toFixed(0)} (${t.cpuMicros.toFixed(0)})` : '-');

function flatness({ runtime, result }: RuntimeResult<StrategyResult>): string {
  const [first, last] = [result.rows[0], result.rows.at(-1)!];
  const growth = last.rowOverSmallest;
  const schemaRows = result.rows.filter((row) => row.schema);
  const schemaRatios = schemaRows.map((row) => row.schemaOverRow!);
  const worst = Math.max(...schemaRatios);
  const depth =
    first.indexDepth !== undefined && last.indexDepth !== undefined
      ? ` The tenant_id index is ${first.indexDepth} level(s) deep at ${first.tenants} tenants and ${last.indexDepth} at ${last.tenants}${
          last.indexDepth > first.indexDepth ? `: each extra level is one more page visited per lookup` : ''
        }.`
      : '';
  return (
    `${runtime}: the row strategy's request goes from ${first.row.micros.toFixed(0)} µs at ${first.tenants} tenants to ${last.row.micros.toFixed(0)} µs at ${last.tenants} ` +
    `(${growth.toFixed(3)}×, target ≤ ${SCALE_TARGET}: ${growth <= SCALE_TARGET ? 'met' : `missed by ${((growth - SCALE_TARGET) * 100).toFixed(1)} points`}).${depth} ` +
    `Schema over row per request: at most ${worst.toFixed(3)}× (target ≤ ${SCHEMA_TARGET}: ${worst <= SCHEMA_TARGET ? 'met' : 'missed'}; ${schemaRows
      .map((row, i) => `${row.tenants}: ${schemaRatios[i].toFixed(3)}`)
      .join(', ')}).`
  );
}

export function renderStrategy(results: Array<RuntimeResult<StrategyResult>>): string {
  const [primary] = results;
  const { setup } = primary.result;
  const scales = primary.result.rows.map((row) => row.tenants);
  const cell = (r: RuntimeResult<StrategyResult>, tenants: number) => {
    const row = r.result.rows.find((x) => x.tenants === tenants);
    if (!row) return '- | - | -';
    return `${us(row.row)} | ${us(row.schema)} | ${row.schemaOverRow !== undefined ? row.schemaOverRow.toFixed(3) : '-'}`;
  };
  return `## Row vs schema strategy, and scale with the number of tenants

Command: \`npm run bench\` (this section: \`node --expose-gc dist/scripts/bench/strategy/strategy-bench.js\` on each runtime). Machine: ${machine()}; runtimes: ${runtimeHeaders(results)}.
One "request" = inside \`runWithTenant\` for a random tenant: find one product by sku, then list the tenant's ${setup.rows}
products (PostgreSQL, pool of 2, sequential). Median wall µs per request (client CPU µs in brackets) over ${setup.calls}
requests after ${setup.warmupMs} ms of warm-up, median of ${setup.rounds} rounds; each ratio is the median of the rounds' own ratios. Every strategy and scale has its own database, all seeded before the first round, and
each round measures every cell (order alternating), so that drift on a shared machine hits all cells alike. Tenants
have a fixed ${setup.rows} rows each; the row strategy shares one table, the schema strategy has one schema per tenant
(measured here up to 1,000 schemas; 10,000 schemas and memory: the provisioning section).

| tenants | ${results.map((r) => `${r.runtime}: row µs (CPU) | schema µs (CPU) | schema / row`).join(' | ')} |
|---|${results.map(() => '---|---|---|').join('')}
${scales.map((tenants) => `| ${tenants} | ${results.map((r) => cell(r, tenants)).join(' | ')} |`).join('\n')}

${results.map(flatness).join('\n\n')}`;
}
