import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import type { ServerKind } from './bench-config.js';

export type BenchServer = ServerProcess;

const here = dirname(fileURLToPath(import.meta.url));

/** One app of the HTTP benchmark (server.js) in its own process. */
export function startBenchServer(kind: ServerKind, databaseUrl: string, nodeArgs: string[] = []): Promise<BenchServer> {
  return startServerProcess(join(here, 'server.js'), { BENCH_SERVER: kind, BENCH_DATABASE_URL: databaseUrl }, nodeArgs);
}
