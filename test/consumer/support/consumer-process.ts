import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

export interface RunningApp {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

export interface Outcome {
  /** The URL when the app started listening, before it was stopped. */
  listened: string | undefined;
  code: number | null;
  output: string;
}

function spawnApp(dir: string, env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [join(dir, 'dist/main.js')], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { child, output: () => text };
}

/** Waits for the app's "listening on <url>" line, or its exit, whichever comes first. */
function listening(child: ChildProcess, output: () => string, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(() => reject(new Error(`no "listening on" within ${timeoutMs} ms:\n${output()}`))), timeoutMs);
    const poll = setInterval(() => {
      const match = /listening on (http:\/\/\S+)/.exec(output());
      if (match) finish(() => resolve(match[1]));
    }, 50);
    const onExit = () => finish(() => resolve(undefined));
    child.once('exit', onExit);
    function finish(settle: () => void) {
      clearTimeout(timer);
      clearInterval(poll);
      child.off('exit', onExit);
      settle();
    }
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** `node dist/main.js` in the app folder, on a free port. */
export async function startApp(dir: string, env: Record<string, string>, timeoutMs = 60_000): Promise<RunningApp> {
  const { child, output } = spawnApp(dir, env);
  const url = await listening(child, output, timeoutMs);
  if (!url) throw new Error(`the app exited with ${child.exitCode} before listening:\n${output()}`);
  return { url, output, stop: () => stop(child) };
}

/** Starts the app expecting a refusal: whether it ever listened, its exit code and its output. */
export async function runAppToExit(dir: string, env: Record<string, string>, timeoutMs = 60_000): Promise<Outcome> {
  const { child, output } = spawnApp(dir, env);
  const exited = once(child, 'exit');
  const listened = await listening(child, output, timeoutMs).catch(() => undefined);
  await stop(child);
  await exited.catch(() => undefined);
  return { listened, code: child.exitCode, output: output() };
}
