/**
 * Per-request cost of tenant resolution (global TenantGuard + resolver, JWT
 * verified with jose) against the same route in an app without tenancy, on
 * Express and Fastify. Each app runs in its own process and the figure is that
 * process's CPU time per request, which other load on a shared machine barely
 * moves; autocannon loads the variants in interleaved rounds.
 * Run: `node scripts/run-ts.mjs scripts/bench-http.ts` (BENCH_ROUNDS, BENCH_SECONDS, BENCH_CONNECTIONS).
 */
import autocannon from 'autocannon';
import { VARIANTS, type BenchAdapter, type BenchVariant } from './bench-http/bench-apps.js';
import { benchHeaders } from './bench-http/bench-tokens.js';
import { serve, type BenchServer } from './bench-http/bench-server.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const ADAPTERS: BenchAdapter[] = ['express', 'fastify'];
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const { headers, env } = await benchHeaders();

/** Server CPU µs per request and requests per second of one load phase. */
async function measure(server: BenchServer, variant: BenchVariant, duration: number) {
  const before = await server.cpuMicros();
  const result = await autocannon({ url: server.url, headers: headers[variant], connections: CONNECTIONS, duration });
  const cpu = (await server.cpuMicros()) - before;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${variant}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { cpuPerRequest: cpu / result.requests.total, rps: result.requests.average };
}

for (const adapter of ADAPTERS) {
  const servers = new Map<BenchVariant, BenchServer>();
  for (const variant of VARIANTS) servers.set(variant, await serve(adapter, variant, env));
  try {
    for (const variant of VARIANTS) await measure(servers.get(variant)!, variant, 1); // warm-up (JIT)
    const cpu = new Map<BenchVariant, number[]>(VARIANTS.map((v) => [v, []]));
    const rps = new Map<BenchVariant, number[]>(VARIANTS.map((v) => [v, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const variant of round % 2 ? [...VARIANTS].reverse() : VARIANTS) {
        const result = await measure(servers.get(variant)!, variant, SECONDS);
        cpu.get(variant)!.push(result.cpuPerRequest);
        rps.get(variant)!.push(result.rps);
      }
    }
    const base = median(cpu.get('plain')!);
    console.log(`\n${adapter}: ${ROUNDS} rounds x ${SECONDS}s, ${CONNECTIONS} connections, medians`);
    console.log('variant              server CPU/request  ratio to plain  added by tenancy     req/s');
    for (const variant of VARIANTS) {
      const value = median(cpu.get(variant)!);
      const added = variant === 'plain' ? '-' : `${(value - base).toFixed(1)} µs`;
      console.log(
        `${variant.padEnd(19)} ${`${value.toFixed(1)} µs`.padStart(18)}  ${`${(value / base).toFixed(2)}x`.padStart(14)}  ${added.padStart(16)}  ${median(rps.get(variant)!).toFixed(0).padStart(8)}`,
      );
    }
  } finally {
    for (const server of servers.values()) server.stop();
  }
}
