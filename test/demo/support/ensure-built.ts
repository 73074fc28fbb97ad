import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './repo-root.js';

const run = promisify(execFile);

/** What `npm start`, `npm run demo` and `npm run tenancy` execute. */
export const DIST_ENTRIES = [
  'libs/tenancy/dist/index.js',
  'libs/tenancy/dist/cli/tenancy-cli.js',
  'dist/apps/demo/src/main.js',
  'dist/apps/demo/src/cli/demo.js',
  'dist/apps/demo/src/cli/token.js',
];
const SOURCES = ['libs/tenancy/src', 'apps', 'scripts', 'support'];
const CONFIGS = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'libs/tenancy/tsconfig.build.json', 'libs/tenancy/package.json'];
/** `npm run build`: the library first, then the demo and scripts against its compiled output. */
const BUILDS = [join(REPO_ROOT, 'libs/tenancy'), REPO_ROOT];
const LOCK = join(REPO_ROOT, '.tmp', 'demo-build.lock');

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return path.endsWith('.ts') ? info.mtimeMs : 0;
  const entries = await readdir(path);
  const times = await Promise.all(entries.map((entry) => newestMtime(join(path, entry))));
  return Math.max(0, ...times);
}

async function isStale(): Promise<boolean> {
  const built = await Promise.all(
    DIST_ENTRIES.map((entry) =>
      stat(join(REPO_ROOT, entry)).then(
        (s) => s.mtimeMs,
        () => 0,
      ),
    ),
  );
  const oldestBuild = Math.min(...built);
  const sources = await Promise.all(SOURCES.map((path) => newestMtime(join(REPO_ROOT, path))));
  const configs = await Promise.all(CONFIGS.map((file) => stat(join(REPO_ROOT, file)).then((s) => s.mtimeMs)));
  return oldestBuild === 0 || Math.max(...sources, ...configs) > oldestBuild;
}

/**
 * Two spec files may call this at once, and tsc writing dist/ while the other
 * spawns node on it would run half-written files: a directory lock (mkdir is
 * atomic) serialises the builds.
 */
async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  await mkdir(join(REPO_ROOT, '.tmp'), { recursive: true });
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch {
      const age = await stat(LOCK).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > 120_000) await rm(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${LOCK}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}

/** Runs what `npm run build` does (tsc on the library, then on the rest) when a build is older than the sources. */
export async function ensureBuilt(): Promise<void> {
  await withLock(async () => {
    if (!(await isStale())) return;
    try {
      for (const cwd of BUILDS) {
        await run(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
          cwd,
          maxBuffer: 16 * 1024 * 1024,
        });
      }
    } catch (error) {
      const output = error && typeof error === 'object' && 'stdout' in error ? String(error.stdout) : String(error);
      throw new Error(`npm run build failed, so npm start would too:\n${output}`, { cause: error });
    }
  });
}
