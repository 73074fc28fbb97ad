import { machine, runtimeHeaders, type RuntimeResult } from '../support/report.js';

export interface ResolveRow {
  adapter: string;
  variant: string;
  cpuMicros: number;
  /** Server CPU µs per request over the plain app's, same adapter, same run. */
  added: number;
  rps: number;
}

export interface ResolveResult {
  setup: { rounds: number; seconds: number; connections: number };
  rows: ResolveRow[];
}

const VARIANT_LABELS: Record<string, string> = {
  plain: 'no tenancy',
  'cls-only': "nestjs-cls' middleware only",
  header: 'X-Tenant-ID',
  'header-no-mw': 'X-Tenant-ID, no CLS middleware (the guard opens the context)',
  'jwt-hs256': 'JWT HS256, verified tokens cached',
  'jwt-es256': 'JWT ES256, verified tokens cached',
  'jwt-hs256-nocache': 'JWT HS256, every token verified',
  'jwt-es256-nocache': 'JWT ES256, every token verified',
};

export function renderResolve(results: Array<RuntimeResult<ResolveResult>>): string {
  const [primary] = results;
  const keys = primary.result.rows.map((row) => `${row.adapter}|${row.variant}`);
  const cell = (r: RuntimeResult<ResolveResult>, key: string) => {
    const row = r.result.rows.find((x) => `${x.adapter}|${x.variant}` === key);
    return row ? `${row.cpuMicros.toFixed(1)} | ${row.variant === 'plain' ? '-' : `+${row.added.toFixed(1)}`}` : '- | -';
  };
  const { setup } = primary.result;
  return `## Tenant resolution alone (no database)

Command: \`npm run bench\` (this section: \`node dist/scripts/bench/resolve/resolve-bench.js\`, on the primary runtime only: the HTTP section compares the runtimes). Machine: ${machine()}; runtimes: ${runtimeHeaders(results)}.
A one-route app (\`GET /ping\`, no database) with \`TenancyModule\` defaults and one resolver, against the same route without
the library. Server CPU µs per request (the server process's own CPU time), medians of ${setup.rounds} rounds of ${setup.seconds} s,
${setup.connections} connections, variants interleaved; "added" is over the plain app on the same adapter in the same run.

| adapter | variant | ${results.map((r) => `${r.runtime}: CPU µs/request | added`).join(' | ')} |
|---|---|${results.map(() => '---|---|').join('')}
${keys.map((key) => `| ${key.split('|')[0]} | ${VARIANT_LABELS[key.split('|')[1]] ?? key.split('|')[1]} | ${results.map((r) => cell(r, key)).join(' | ')} |`).join('\n')}`;
}
