import { machine, runtimeHeaders, type RuntimeResult } from '../support/report.js';

export interface NoisyResult {
  setup: { seconds: number; poolSize: number; flood: number };
  /** Table rows, one per run (limit on, limit off). */
  lines: string[];
}

export function renderNoisy(results: Array<RuntimeResult<NoisyResult>>): string {
  const [{ runtime, result }] = results;
  const { seconds, poolSize, flood } = result.setup;
  return `## Noisy neighbour: one stalled tenant, per-tenant connection limit on and off

Command: \`npm run bench\` (this section: \`node dist/scripts/bench/noisy/noisy-bench.js\`, ${runtime} only: it measures the database pool, not the runtime). Machine: ${machine()}; runtimes: ${runtimeHeaders(results)}.
The demo server (PostgreSQL, schema strategy, pool of ${poolSize}, the demo's timeouts: lock_timeout 2 s,
pool acquire 3 s) while \`tenant_tenant_a.products\` is locked (ACCESS EXCLUSIVE) and ${flood} clients send
PATCH requests of tenant_a without pause for ${seconds} s. One client reads tenant_b's products and one
probes /health, each every 50 ms. Latencies in ms.

| run | tenant_b p50 | tenant_b p99 | tenant_b max | tenant_b answers | /health p99 | /health max | /health answers | tenant_a answers |
|---|---|---|---|---|---|---|---|---|
${result.lines.join('\n')}

With the limit, tenant_a holds at most 5 connections; its other requests wait 1 s for a slot, then get
503 TENANT_BUSY, and the other 5 connections serve everyone else. Without it, tenant_a's blocked
requests take every connection: tenant_b and /health queue for the pool behind them until lock_timeout
frees one or the acquire timeout answers 503.`;
}
