import { spawn } from 'node:child_process';
import type { BenchAdapter, BenchVariant } from './bench-apps.js';

export interface BenchServer {
  url: string;
  /** The server process's CPU time (user + system) so far. */
  cpuMicros(): Promise<number>;
  stop(): void;
}

/** Starts one bench app in a child process (serve.ts) and talks to it over IPC. */
export function serve(adapter: BenchAdapter, variant: BenchVariant, env: Record<string, string>): Promise<BenchServer> {
  const child = spawn(process.execPath, ['scripts/run-ts.mjs', 'scripts/bench-http/serve.ts'], {
    env: { ...process.env, ...env, BENCH_ADAPTER: adapter, BENCH_VARIANT: variant },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const cpuMicros = () =>
    new Promise<number>((resolve) => {
      child.once('message', (message) => resolve((message as { cpuMicros: number }).cpuMicros));
      child.send('cpu');
    });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const port = /PORT (\d+)/.exec(chunk.toString())?.[1];
      if (port) resolve({ url: `http://127.0.0.1:${port}/ping`, cpuMicros, stop: () => child.kill('SIGTERM') });
    });
    child.once('exit', (code) => reject(new Error(`${adapter}/${variant} exited with ${code}`)));
  });
}
