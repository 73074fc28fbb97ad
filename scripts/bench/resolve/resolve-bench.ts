import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, saveResult, scaled } from '../support/report.js';
import { runLoad } from '../support/run-load.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { VARIANTS, type BenchAdapter, type BenchVariant } from './resolve-apps.js';
import type { ResolveResult } from './resolve-report.js';
import { benchHeaders } from './resolve-tokens.js';

/**
 * Per-request cost of tenant resolution alone (global TenantGuard + one
 * resolver, JWT verified with jose, no database) against the same route in an
 * app without tenancy, on Express and Fastify. Each app runs in its own
 * process; the figure is that process's CPU time per request. Standalone:
 * `node dist/scripts/bench/resolve/resolve-bench.js`.
 */
const here = dirname(fileURLToPath(import.meta.url));
const SETUP = { rounds: scaled(5, 2), seconds: scaled(1, 0.5), connections: 8 };
const ADAPTERS: BenchAdapter[] = ['express', 'fastify'];

async function main(): Promise<void> {
  const { headers, env } = await benchHeaders();
  const scratch = await mkdtemp(join(tmpdir(), 'resolve-bench-'));
  const configFile = join(scratch, 'load.json');
  const measure = async (server: ServerProcess, variant: BenchVariant, seconds: number) => {
    const before = await server.probe();
    const result = await runLoad(configFile, {
      url: server.url,
      path: '/ping',
      connections: SETUP.connections,
      seconds,
      headers: [headers[variant]],
    });
    return { cpu: ((await server.probe()).cpuMicros - before.cpuMicros) / result.total, rps: result.rps };
  };
  const result: ResolveResult = { setup: SETUP, rows: [] };
  try {
    for (const adapter of ADAPTERS) {
      const servers = new Map<BenchVariant, ServerProcess>();
      try {
        for (const variant of VARIANTS) {
          servers.set(
            variant,
            await startServerProcess(join(here, 'resolve-server.js'), { ...env, BENCH_ADAPTER: adapter, BENCH_VARIANT: variant }),
          );
        }
        for (const variant of VARIANTS) await measure(servers.get(variant)!, variant, 1); // warm-up (JIT)
        const cpu = new Map<BenchVariant, number[]>(VARIANTS.map((v) => [v, []]));
        const rps = new Map<BenchVariant, number[]>(VARIANTS.map((v) => [v, []]));
        for (let round = 0; round < SETUP.rounds; round++) {
          for (const variant of round % 2 ? [...VARIANTS].reverse() : VARIANTS) {
            const sample = await measure(servers.get(variant)!, variant, SETUP.seconds);
            cpu.get(variant)!.push(sample.cpu);
            rps.get(variant)!.push(sample.rps);
          }
        }
        const base = median(cpu.get('plain')!);
        for (const variant of VARIANTS) {
          const micros = median(cpu.get(variant)!);
          result.rows.push({ adapter, variant, cpuMicros: micros, added: micros - base, rps: median(rps.get(variant)!) });
          console.log(`${adapter} ${variant}: ${micros.toFixed(1)} µs/request (+${(micros - base).toFixed(1)})`);
        }
      } finally {
        for (const server of servers.values()) await server.stop();
      }
    }
    await saveResult(result);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
