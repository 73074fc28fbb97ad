import { machine, runtimeHeaders, type RuntimeResult } from '../support/report.js';
import { ROWS_PER_TENANT, TENANTS } from './bench-config.js';
import type { ProfiledRun } from './profile-run.js';
import { libraryPerRequest, profileTable } from './profile-table.js';

export const TARGET = 0.97;
export const P99_TARGET = 1.05;
export const LIBRARY_TARGET_MICROS = 20;

export type VariantKey = 'plain' | 'plain-cls' | 'tenancy-jwt' | 'tenancy-header' | 'tenancy-guard-cls';

export interface VariantResult {
  key: VariantKey;
  label: string;
  /** Held to the targets: the library's rows. */
  library: boolean;
  rps: number;
  p99: number;
  cpu: number;
  /** Throughput over the plain app's. */
  ratio: number;
  /** Throughput over the plain app with nestjs-cls. */
  ratioCls: number;
  p99Ratio: number;
}

export interface HttpBenchSetup {
  rounds: number;
  profileRepeats: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
}

export interface HttpResult {
  setup: HttpBenchSetup;
  rows: VariantResult[];
  profile?: { plain: ProfiledRun; plainCls: ProfiledRun; tenancy: ProfiledRun };
}

const pct = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;

function cells(row: VariantResult | undefined): string {
  if (!row) return '- | - | - | - | -';
  const mark = (ok: boolean) => (row.library ? (ok ? ' (met)' : ' (missed)') : '');
  return `${row.rps.toFixed(0)} | ${row.cpu.toFixed(0)} | ${row.ratio.toFixed(3)}${mark(row.ratio >= TARGET)} | ${row.ratioCls.toFixed(3)} | ${row.p99.toFixed(1)} ms, ${row.p99Ratio.toFixed(2)}${mark(row.p99Ratio <= P99_TARGET)}`;
}

function verdict({ runtime, result }: RuntimeResult<HttpResult>): string {
  const by = (key: VariantKey) => result.rows.find((row) => row.key === key)!;
  const [plain, cls, jwt, header] = [by('plain'), by('plain-cls'), by('tenancy-jwt'), by('tenancy-header')];
  const own = result.profile ? libraryPerRequest(result.profile.tenancy) : undefined;
  const parts = [
    jwt.ratio >= TARGET
      ? `the full pipeline keeps ${pct(jwt.ratio)} of the plain endpoint's throughput (target ≥ ${pct(TARGET)}: met)`
      : `the full pipeline keeps ${pct(jwt.ratio)} of the plain endpoint's throughput (target ≥ ${pct(TARGET)}: missed by ${((TARGET - jwt.ratio) * 100).toFixed(1)} points)`,
    `p99 ${jwt.p99Ratio.toFixed(2)}× the plain endpoint's (target ≤ ${P99_TARGET}: ${jwt.p99Ratio <= P99_TARGET ? 'met' : 'missed'})`,
    `nestjs-cls' middleware alone keeps ${pct(cls.ratio)} (${(cls.cpu - plain.cpu).toFixed(0)} µs more server CPU per request); against that app the library keeps ${pct(jwt.ratioCls)} with a bearer token and ${pct(header.ratioCls)} with the header alone`,
  ];
  if (own !== undefined)
    parts.push(`the library's own code is ${own.toFixed(0)} µs per request in the profile (target ≤ ${LIBRARY_TARGET_MICROS})`);
  return `On ${runtime}: ${parts.join('; ')}.`;
}

export function renderHttp(results: Array<RuntimeResult<HttpResult>>): string {
  const [primary] = results;
  const { setup } = primary.result;
  const keys = primary.result.rows.map((row) => row.key);
  const table = [
    `| endpoint | ${results.map((r) => `${r.runtime}: req/s | CPU µs/req | vs plain (≥ ${TARGET}) | vs plain + CLS | p99, vs plain (≤ ${P99_TARGET})`).join(' | ')} |`,
    `|---|${results.map(() => '---|---|---|---|---|').join('')}`,
    ...keys.map((key) => {
      const label = primary.result.rows.find((row) => row.key === key)!.label;
      return `| ${label} | ${results.map((r) => cells(r.result.rows.find((row) => row.key === key))).join(' | ')} |`;
    }),
  ].join('\n');
  const profiled = results.filter((r) => r.result.profile);
  const profiles = profiled
    .map(
      (r) =>
        `CPU profile on ${r.runtime}: each server started with \`node --cpu-prof\`, ${r.result.setup.profileRepeats} load phase(s) of ${r.result.setup.seconds} s per server, interleaved, each after a ${r.result.setup.warmupSeconds} s warm-up (samples outside the phase left out); self time bucketed by source file, each sample counted as one sampling interval (so that time the process spent descheduled on the shared machine is not charged to the function sampled next), median of the phases:\n\n${profileTable(r.result.profile!)}`,
    )
    .join('\n\n');
  return `## HTTP: full tenancy pipeline vs the same endpoint without the library

Command: \`npm run bench\` (this section: \`node dist/scripts/bench/http/http-bench.js\` on each runtime). Machine: ${machine()}; runtimes: ${runtimeHeaders(results)}.
Endpoint: \`GET /products\`, one tenant's ${ROWS_PER_TENANT} rows from PostgreSQL (${TENANTS} tenants × ${ROWS_PER_TENANT} rows, index on \`tenant_id\`), Express.
The **plain** app is Nest + TypeORM without the library: the handler reads \`X-Tenant-ID\`, checks it against the same id
pattern and writes \`where: { tenantId }\` itself. **plain + nestjs-cls** is the same app with nestjs-cls' middleware
mounted, nothing else. The **tenancy** app is the demo's pipeline: nestjs-cls middleware, the global \`TenantGuard\`,
\`JwtTenantResolver\` (HS256, issuer, audience, a \`tenants\` list claim; verified tokens cached) then
\`HeaderTenantResolver\`, and a handler whose \`find()\` names no tenant (the filter adds it). Each app runs in its own
process; autocannon runs in another (${setup.connections} connections, each cycling through the ${TENANTS} tenants, one token per
tenant). ${setup.rounds} rounds of ${setup.seconds} s per endpoint after a ${setup.warmupSeconds} s warm-up, order alternating every round; req/s, CPU and
p99 are medians over the rounds, and each ratio is the median of the round-by-round ratios (against the plain app measured in
the same round, so that load drifting between rounds cancels out). p99 is taken from every response's own latency
(autocannon's histogram rounds to whole milliseconds, 5% of a 20 ms p99).
Server CPU per request is the server process's own CPU time over the requests it answered. Every endpoint is first
checked to answer exactly its tenant's rows. Each runtime's ratios are against its own plain app in the same run.

${table}

${results.map(verdict).join('\n\n')}

${profiles}`;
}
