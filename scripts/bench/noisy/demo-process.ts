import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface DemoProcess {
  url: string;
  stop(): Promise<void>;
}

/** The built demo server (`npm start` without its build step) on a free port, once it logs "listening on". */
export async function startDemo(env: Record<string, string>): Promise<DemoProcess> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/apps/demo/src/main.js')], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit');
  const url = await new Promise<string>((resolve, reject) => {
    const poll = setInterval(() => {
      const match = /listening on (http:\/\/\S+?) /.exec(output);
      if (match) {
        clearInterval(poll);
        resolve(match[1].replace('//localhost', '//127.0.0.1'));
      }
    }, 50);
    void exited.then(() => {
      clearInterval(poll);
      reject(new Error(`demo exited before listening:\n${output}`));
    });
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
