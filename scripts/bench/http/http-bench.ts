import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropDatabase, startPostgres } from '../../../support/postgres-server.js';
import { median, medianRoundRatio, PROFILE, saveResult, scaled } from '../support/report.js';
import { ROWS_PER_TENANT, TENANTS, tenantId, type ServerKind } from './bench-config.js';
import { TARGET, type HttpResult, type VariantResult } from './http-report.js';
import { startBenchServer, type BenchServer } from './bench-server.js';
import { benchVariants, type Variant } from './bench-variants.js';
import { medianRun, profiledRun, warmUp, type ProfiledRun } from './profile-run.js';
import { runLoad } from '../support/run-load.js';
import { seedDatabase } from './seed.js';

/**
 * HTTP benchmark: GET /products (one tenant's rows from PostgreSQL) through
 * the library's whole pipeline vs the same endpoint without the library.
 * Each app runs in its own process, autocannon in another; rounds alternate
 * the order; figures are medians. Then every server is profiled with
 * --cpu-prof to show where the time goes (the library's own µs per request
 * is a target). Standalone: `node dist/scripts/bench/http/http-bench.js`
 * (BENCH_ROUNDS, BENCH_SECONDS, BENCH_CONNECTIONS).
 */
const SETUP = {
  rounds: Number(process.env.BENCH_ROUNDS ?? scaled(5, 2)),
  seconds: Number(process.env.BENCH_SECONDS ?? scaled(4, 2)),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 16),
  /**
   * Load on each server before anything is timed or profiled. 2 s (some 3,000 requests on a busy machine) left
   * V8 still optimising TypeORM's and the library's hot paths in the first timed round.
   */
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? scaled(5, 1)),
  /** Profiled phases per server, interleaved; each bucket's median is reported (one phase on a shared machine is noisy). */
  profileRepeats: Number(process.env.BENCH_PROFILE_REPEATS ?? scaled(2, 1)),
};
const DATABASE = 'tenancy_bench_http';
const SERVERS: ServerKind[] = ['plain', 'plain-cls', 'tenancy', 'tenancy-guard-cls'];

interface Sample {
  rps: number;
  p99: number;
  cpuPerRequest: number;
}

/** Each variant answers with exactly its tenant's rows before anything is timed. */
async function checkAnswers(servers: Map<ServerKind, BenchServer>, variants: Variant[]): Promise<void> {
  for (const variant of variants) {
    for (const t of [0, TENANTS - 1]) {
      const response = await fetch(`${servers.get(variant.server)!.url}/products`, { headers: variant.headers[t] });
      const body = (await response.json()) as { products?: Array<{ tenantId?: string }> };
      const rows = body.products ?? [];
      if (response.status !== 200 || rows.length !== ROWS_PER_TENANT || rows.some((row) => row.tenantId !== tenantId(t))) {
        throw new Error(`${variant.key}: wrong answer for ${tenantId(t)}: ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
      }
    }
  }
}

async function measure(server: BenchServer, variant: Variant, seconds: number, configFile: string): Promise<Sample> {
  const before = await server.probe();
  const result = await runLoad(configFile, { url: server.url, connections: SETUP.connections, seconds, headers: variant.headers });
  const after = await server.probe();
  return { rps: result.rps, p99: result.p99, cpuPerRequest: (after.cpuMicros - before.cpuMicros) / result.total };
}

async function measureAll(databaseUrl: string, variants: Variant[], configFile: string): Promise<VariantResult[]> {
  const servers = new Map<ServerKind, BenchServer>();
  const samples = new Map<Variant['key'], Sample[]>(variants.map((v) => [v.key, []]));
  try {
    for (const kind of SERVERS) servers.set(kind, await startBenchServer(kind, databaseUrl));
    await checkAnswers(servers, variants);
    // JIT, connection pools, token cache.
    for (const variant of variants) {
      await warmUp(configFile, {
        url: servers.get(variant.server)!.url,
        connections: SETUP.connections,
        seconds: SETUP.warmupSeconds,
        headers: variant.headers,
      });
    }
    for (let round = 0; round < SETUP.rounds; round++) {
      for (const variant of round % 2 ? [...variants].reverse() : variants) {
        samples.get(variant.key)!.push(await measure(servers.get(variant.server)!, variant, SETUP.seconds, configFile));
      }
      console.log(`round ${round + 1}/${SETUP.rounds} done`);
    }
  } finally {
    for (const server of servers.values()) await server.stop();
  }
  const med = (key: Variant['key'], pick: (s: Sample) => number) => median(samples.get(key)!.map(pick));
  // Against the app measured in the same round (see medianRoundRatio).
  const pairedRatio = (key: Variant['key'], against: Variant['key'], pick: (s: Sample) => number) =>
    medianRoundRatio(samples.get(key)!.map(pick), samples.get(against)!.map(pick));
  return variants.map((variant) => ({
    key: variant.key,
    label: variant.label,
    library: variant.server.startsWith('tenancy'),
    rps: med(variant.key, (s) => s.rps),
    p99: med(variant.key, (s) => s.p99),
    cpu: med(variant.key, (s) => s.cpuPerRequest),
    ratio: pairedRatio(variant.key, 'plain', (s) => s.rps),
    ratioCls: pairedRatio(variant.key, 'plain-cls', (s) => s.rps),
    p99Ratio: pairedRatio(variant.key, 'plain', (s) => s.p99),
  }));
}

async function profileAll(databaseUrl: string, variants: Variant[], configFile: string): Promise<HttpResult['profile']> {
  const load = (key: Variant['key']) => ({
    connections: SETUP.connections,
    seconds: SETUP.seconds,
    warmupSeconds: SETUP.warmupSeconds,
    headers: variants.find((v) => v.key === key)!.headers,
  });
  const runs: Record<'plain' | 'plainCls' | 'tenancy', ProfiledRun[]> = { plain: [], plainCls: [], tenancy: [] };
  for (let repeat = 0; repeat < SETUP.profileRepeats; repeat++) {
    console.log(`profiling each server (node --cpu-prof), ${repeat + 1}/${SETUP.profileRepeats}...`);
    runs.plain.push(await profiledRun('plain', databaseUrl, load('plain'), configFile));
    runs.plainCls.push(await profiledRun('plain-cls', databaseUrl, load('plain-cls'), configFile));
    runs.tenancy.push(await profiledRun('tenancy', databaseUrl, load('tenancy-jwt'), configFile));
  }
  return { plain: medianRun(runs.plain), plainCls: medianRun(runs.plainCls), tenancy: medianRun(runs.tenancy) };
}

async function main(): Promise<void> {
  const postgres = await startPostgres();
  const scratch = await mkdtemp(join(tmpdir(), 'http-bench-'));
  const configFile = join(scratch, 'load.json');
  try {
    const databaseUrl = await seedDatabase(postgres.url, DATABASE);
    const variants = await benchVariants();
    const rows = await measureAll(databaseUrl, variants, configFile);
    for (const row of rows)
      console.log(`${row.key}: ${row.rps.toFixed(0)} req/s, ${row.ratio.toFixed(3)} of plain, p99 ×${row.p99Ratio.toFixed(2)}`);
    const jwt = rows.find((row) => row.key === 'tenancy-jwt')!;
    console.log(`full pipeline vs plain: ${jwt.ratio.toFixed(3)} (target ≥ ${TARGET})`);
    const profile = PROFILE ? await profileAll(databaseUrl, variants, configFile) : undefined;
    const result: HttpResult = { setup: SETUP, rows, profile };
    await saveResult(result);
  } finally {
    await rm(scratch, { recursive: true, force: true });
    await dropDatabase(postgres.url, DATABASE);
    await postgres.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
