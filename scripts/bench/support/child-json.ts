import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs a script on this Node (with `nodeArgs`) and parses the last line it prints as JSON. */
export async function childJson<T>(script: string, args: string[], nodeArgs: string[] = []): Promise<T> {
  const { stdout } = await run(process.execPath, [...nodeArgs, script, ...args], { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as T;
}
