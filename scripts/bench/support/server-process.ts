import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface ServerProbe {
  cpuMicros: number;
  monotonicMicros: number;
}

export interface ServerProcess {
  url: string;
  /** The server process's CPU time (user + system) so far, and its monotonic clock (µs). */
  probe(): Promise<ServerProbe>;
  stop(): Promise<void>;
}

/**
 * Starts a bench server script on this Node in its own process (`nodeArgs`
 * e.g. `--cpu-prof`), once it prints `PORT n`; the script answers IPC probes
 * with `serveProbes()`.
 */
export function startServerProcess(script: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, script], {
    env: { ...process.env, ...env },
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
      if (port) resolve({ url: `http://127.0.0.1:${port}`, probe, stop });
    });
    void exited.then(() => reject(new Error(`${script} exited with ${child.exitCode}`)));
  });
}

/**
 * In the server process: prints its port, answers probes with its own CPU
 * time (the load generator and PostgreSQL do not count) and the monotonic
 * clock that --cpu-prof stamps samples with, and exits normally on SIGTERM
 * (so that --cpu-prof writes its profile).
 */
export function serveProbes(port: number, close: () => Promise<void>): void {
  process.stdout.write(`PORT ${port}\n`);
  process.on('message', () => {
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuMicros: user + system, monotonicMicros: Number(process.hrtime.bigint() / 1000n) });
  });
  process.on('SIGTERM', () => void close().then(() => process.exit(0)));
}
