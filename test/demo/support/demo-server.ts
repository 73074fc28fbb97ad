import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { REPO_ROOT } from './repo-root.js';

export interface DemoServer {
  url: string;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

export interface ExitedProcess {
  code: number | null;
  output: string;
}

function spawnDemo(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  // The exact command of `npm start` after its build step.
  const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/apps/demo/src/main.js')], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { child, output: () => stripVTControlCharacters(text) };
}

/** Starts the built server on a free port (PORT=0) and waits for its "listening on" line. */
export async function startDemoServer(env: Record<string, string>, timeoutMs = 30_000): Promise<DemoServer> {
  const { child, output } = spawnDemo({ PORT: '0', ...env });
  const exited = once(child, 'exit');
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms:\n${output()}`)), timeoutMs);
    const poll = setInterval(() => {
      const match = /listening on (http:\/\/\S+?) /.exec(output());
      if (match) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(match[1]);
      }
    }, 50);
    void exited.then(() => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`server exited with ${child.exitCode} before listening:\n${output()}`));
    });
  });
  return {
    url,
    output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs the server expecting it to refuse to start. */
export async function runDemoServerToExit(env: Record<string, string>, timeoutMs = 30_000): Promise<ExitedProcess> {
  const { child, output } = spawnDemo({ PORT: '0', ...env });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, output: output() };
}
