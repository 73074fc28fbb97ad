import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerKind } from './bench-config.js';

export interface ServerProbe {
  cpuMicros: number;
  monotonicMicros: number;
}

export interface BenchServer {
  kind: ServerKind;
  url: string;
  /** The server process's CPU time (user + system) so far, and its monotonic clock (µs). */
  probe(): Promise<ServerProbe>;
  stop(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));

/** Starts server.js in its own process; `nodeArgs` e.g. `--cpu-prof`. */
export function startBenchServer(kind: ServerKind, databaseUrl: string, nodeArgs: string[] = []): Promise<BenchServer> {
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, join(here, 'server.js')], {
    env: { ...process.env, BENCH_SERVER: kind, BENCH_DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit');
  const probe = () =>
    new Promise<ServerProbe>((resolve) => {
      child.once('message', (message) => resolve(message as ServerProbe));
      child.send('probe');
    });
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const port = /PORT (\d+)/.exec(chunk.toString())?.[1];
      if (port) resolve({ kind, url: `http://127.0.0.1:${port}`, probe, stop });
    });
    void exited.then(() => reject(new Error(`${kind} bench server exited with ${child.exitCode}`)));
  });
}
