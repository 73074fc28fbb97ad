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
  enhancers: 'no tenancy + a no-op global guard and interceptor (what `ClsModule.forRoot` registers)',
  'als-enhancers': 'the same + each request inside `AsyncLocalStorage.run` (a one-line middleware)',
  'cls-only': "nestjs-cls' middleware only (`ClsModule.forRoot`, middleware mounted)",
  header: 'X-Tenant-ID',
  'header-no-mw': 'X-Tenant-ID, no CLS middleware (the guard opens the context)',
  'jwt-hs256': 'JWT HS256, verified tokens cached',
  'jwt-es256': 'JWT ES256, verified tokens cached',
  'jwt-hs256-nocache': 'JWT HS256, every token verified',
  'jwt-es256-nocache': 'JWT ES256, every token verified',
};

/**
 * Where nestjs-cls' cost comes from on one adapter, from the split variants:
 * its no-op enhancers, an AsyncLocalStorage store around them, then its middleware.
 */
function clsSplit(result: ResolveResult, adapter: string): string | undefined {
  const added = (variant: string) => result.rows.find((row) => row.adapter === adapter && row.variant === variant)?.added;
  const [enhancers, als, cls, header] = ['enhancers', 'als-enhancers', 'cls-only', 'header'].map(added);
  if (enhancers === undefined || als === undefined || cls === undefined || header === undefined) return undefined;
  const us = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(0)} µs`;
  return (
    `${adapter}: nestjs-cls adds ${us(cls)}: its no-op global guard and interceptor ${us(enhancers)}, ` +
    `an AsyncLocalStorage store around them ${us(als - enhancers)}, its middleware's own work ${us(cls - als)}; ` +
    `TenancyModule with the header resolver adds ${us(header - cls)} on top of nestjs-cls.`
  );
}

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
${keys.map((key) => `| ${key.split('|')[0]} | ${VARIANT_LABELS[key.split('|')[1]] ?? key.split('|')[1]} | ${results.map((r) => cell(r, key)).join(' | ')} |`).join('\n')}

Where the context's cost goes, on ${primary.runtime}:
${[...new Set(primary.result.rows.map((row) => row.adapter))]
  .map((adapter) => clsSplit(primary.result, adapter))
  .filter((line) => line !== undefined)
  .map((line) => `- ${line}`)
  .join('\n')}

\`ClsModule.forRoot\` registers a global guard and interceptor even when it mounts neither (they then do nothing),
and Nest runs its guard and interceptor pipeline (rxjs) for every request once any exists; the library's own
global guard and interceptor share that pipeline. In a \`--cpu-prof\` profile of the middleware-only app against the
AsyncLocalStorage one, the middleware's own share is garbage collection (its per-request closures, promises and \`WeakMap\` entry) and
module resolution: its proxy-provider step loads a module through \`require\` on every request. Neither is the library's code; an
app that needs none of the middleware's features (\`CLS_REQ\`, request ids, proxy providers, plugins) can let
the guard open the context (the \`header-no-mw\` row: \`registerClsModule: false\` and its own
\`ClsModule.forRoot({ global: true })\`).`;
}
