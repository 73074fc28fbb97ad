import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './repo-root.js';

export interface NodeRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a built script of the repository as its npm script would, without the build step. */
export function runNode(script: string, args: string[] = [], env: Record<string, string> = {}): Promise<NodeRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(REPO_ROOT, script), ...args],
      { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
