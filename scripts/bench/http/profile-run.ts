import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from '../support/report.js';
import type { ServerKind } from './bench-config.js';
import { startBenchServer } from './bench-server.js';
import { profileBuckets } from '../support/cpu-profile.js';
import type { LoadConfig } from '../support/load.js';
import { runLoad } from '../support/run-load.js';

export interface ProfiledRun {
  requests: number;
  /** µs of server CPU per request, per bucket, from the profile's samples. */
  perRequest: Record<string, number>;
}

/**
 * Load before anything is measured: `seconds`, and longer until every connection has sent every header set
 * twice. autocannon walks each connection through the header sets in order, so a short warm-up on a slow
 * (profiled, shared) server left some tenants' tokens unseen: their first verification, with jose's code
 * still cold, fell into the measured phase and showed as ~19 µs of jose per request despite the token cache.
 */
export async function warmUp(configFile: string, load: LoadConfig): Promise<void> {
  const wanted = 2 * load.connections * load.headers.length;
  for (let sent = 0; sent < wanted;) sent += (await runLoad(configFile, load)).total;
}

/** A server started with `node --cpu-prof`: warm-up, then one measured load phase; its profile per request. */
export async function profiledRun(
  kind: ServerKind,
  databaseUrl: string,
  { warmupSeconds, ...load }: Omit<LoadConfig, 'url'> & { warmupSeconds: number },
  configFile: string,
): Promise<ProfiledRun> {
  const dir = await mkdtemp(join(tmpdir(), `http-bench-prof-${kind}-`));
  try {
    const server = await startBenchServer(kind, databaseUrl, ['--cpu-prof', '--cpu-prof-dir', dir]);
    let requests: number;
    let window: [number, number];
    try {
      await warmUp(configFile, { ...load, url: server.url, seconds: warmupSeconds });
      const from = (await server.probe()).monotonicMicros;
      requests = (await runLoad(configFile, { ...load, url: server.url })).total;
      window = [from, (await server.probe()).monotonicMicros];
    } finally {
      await server.stop();
    }
    const buckets = await profileBuckets(dir, ...window);
    return { requests, perRequest: Object.fromEntries([...buckets].map(([name, micros]) => [name, micros / requests])) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Bucket by bucket, the median over several profiled phases of one server. */
export function medianRun(runs: ProfiledRun[]): ProfiledRun {
  const names = new Set(runs.flatMap((run) => Object.keys(run.perRequest)));
  return {
    requests: median(runs.map((run) => run.requests)),
    perRequest: Object.fromEntries([...names].map((name) => [name, median(runs.map((run) => run.perRequest[name] ?? 0))])),
  };
}
