import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../demo/support/repo-root.js';

const exec = promisify(execFile);
const LIBRARY = join(REPO_ROOT, 'libs/tenancy');
/** The minimal app of the README: every consumer compiles exactly these files. */
export const APP_SOURCES = join(REPO_ROOT, 'test/consumer/app/src');

/** What an app on the tested versions installs next to the tarball (the README's install line). */
const CONSUMER_DEPENDENCIES = {
  '@nestjs/common': '^12.0.0',
  '@nestjs/core': '^12.0.0',
  '@nestjs/platform-express': '^12.0.0',
  '@nestjs/typeorm': '^12.0.0',
  'better-sqlite3': '^12.0.0',
  'nestjs-cls': '^6.3.1',
  pg: '^8.11.0',
  'reflect-metadata': '^0.2.0',
  rxjs: '^7.8.0',
  typeorm: '^1.1.1',
  // The consumer's own compiler (module nodenext reads require(esm) from 5.8 on).
  '@types/node': '^20.19.0',
  typescript: '~6.0.3',
};

/** The Nest CLI's defaults, with `module: nodenext`; the same file for the CommonJS and the ESM consumer. */
const TSCONFIG = {
  compilerOptions: {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'ES2023',
    types: ['node'],
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    strict: true,
    strictPropertyInitialization: false,
    skipLibCheck: true,
    rootDir: 'src',
    outDir: 'dist',
  },
  include: ['src'],
};

export interface Timings {
  [step: string]: number;
}

export async function timed<T>(timings: Timings, step: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await fn();
  } finally {
    timings[step] = Math.round(performance.now() - started);
  }
}

async function npm(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await exec('npm', args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_loglevel: 'error' } });
    return stdout;
  } catch (error) {
    const output = error && typeof error === 'object' && 'stderr' in error ? `${String(error.stderr)}` : '';
    throw new Error(`npm ${args.join(' ')} failed in ${cwd}:\n${output}`, { cause: error });
  }
}

/** `npm pack` in libs/tenancy (its prepack builds); returns the tarball's path. */
export async function packLibrary(destination: string): Promise<string> {
  const [packed] = JSON.parse(await npm(LIBRARY, ['pack', '--json', '--pack-destination', destination])) as Array<{ filename: string }>;
  return join(destination, packed.filename);
}

/** Paths inside the tarball, without the leading `package/`. */
export async function tarballFiles(tarball: string): Promise<string[]> {
  const { stdout } = await exec('tar', ['-tzf', tarball], { maxBuffer: 16 * 1024 * 1024 });
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((path) => path.replace(/^package\//, ''));
}

export async function tarballManifest(tarball: string): Promise<Record<string, unknown>> {
  const { stdout } = await exec('tar', ['-xzOf', tarball, 'package/package.json']);
  return JSON.parse(stdout) as Record<string, unknown>;
}

/**
 * A cell of `npm run test:matrix` hands over its own install (the tarball and that cell's Nest, TypeORM,
 * nestjs-cls and SQLite driver, on that cell's Node) instead of a fresh Nest 12 one.
 */
export const GIVEN_INSTALL =
  process.env.TENANCY_CONSUMER_ROOT && process.env.TENANCY_CONSUMER_TARBALL
    ? { root: process.env.TENANCY_CONSUMER_ROOT, tarball: process.env.TENANCY_CONSUMER_TARBALL }
    : undefined;
export const SQLITE_DRIVER = process.env.TEST_SQLITE_DRIVER ?? 'better-sqlite3';
/** The negative app's nested typeorm: another version than the install's own. */
export const SECOND_TYPEORM = process.env.TENANCY_SECOND_TYPEORM ?? '~0.3.20';

/**
 * A parent folder holding the tarball's install once; the consumer apps sit
 * below it and find their dependencies by Node's upward lookup.
 */
export async function createConsumerRoot(tarball: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'tenancy-consumers-'));
  await cp(tarball, join(root, 'nestjs-tenancy.tgz'));
  await writeFile(
    join(root, 'package.json'),
    JSON.stringify(
      { name: 'consumers', private: true, dependencies: { 'nestjs-tenancy': 'file:./nestjs-tenancy.tgz', ...CONSUMER_DEPENDENCIES } },
      null,
      2,
    ),
  );
  // better-sqlite3 builds from source here (no prebuilt binaries off the registry): minutes on a busy machine.
  await npm(root, ['install', '--no-audit', '--no-fund']).catch(async (error: unknown) => {
    await rm(root, { recursive: true, force: true });
    throw error;
  });
  return root;
}

/** A consumer app folder: the README app's sources, the Nest CLI's tsconfig, and `"type": "module"` for ESM. */
export async function createConsumerApp(root: string, name: string, format: 'commonjs' | 'module'): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await cp(APP_SOURCES, join(dir, 'src'), { recursive: true });
  if (SQLITE_DRIVER === 'sqlite3') {
    // The matrix cell on the `sqlite3` driver (typeorm 0.3 only): the README app with `type: 'sqlite'`.
    const module = join(dir, 'src/app.module.ts');
    const source = await readFile(module, 'utf8');
    if (!source.includes("type: 'better-sqlite3'")) throw new Error("the README app no longer names type: 'better-sqlite3'");
    await writeFile(module, source.replace("type: 'better-sqlite3'", "type: 'sqlite'"));
  }
  const manifest = { name: `consumer-${name}`, private: true, ...(format === 'module' ? { type: 'module' } : {}) };
  await writeFile(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  return dir;
}

/**
 * Gives the app its own typeorm of another version (and the @nestjs/typeorm that loads it), nested below the
 * shared one: 0.3 below 1.x by default; in a matrix cell, what its @nestjs/typeorm can load (matrix.cells.ts).
 */
export async function nestSecondTypeorm(dir: string, root: string): Promise<void> {
  const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  const nestTypeorm = (JSON.parse(await readFile(join(root, 'node_modules/@nestjs/typeorm/package.json'), 'utf8')) as { version: string })
    .version;
  manifest.dependencies = { typeorm: SECOND_TYPEORM, '@nestjs/typeorm': nestTypeorm };
  await writeFile(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  // Peers (Nest, rxjs) stay the shared ones above, as in an app whose lock file predates the library.
  await npm(dir, ['install', '--no-audit', '--no-fund', '--legacy-peer-deps']);
}

/** Compiles the app with the consumer's own tsc; returns its output. */
export async function compile(root: string, dir: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await exec(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: dir });
    return { code: 0, output: stdout };
  } catch (error) {
    const output = error && typeof error === 'object' && 'stdout' in error ? String(error.stdout) : String(error);
    return { code: 1, output };
  }
}

export async function emitted(dir: string): Promise<string[]> {
  return readdir(join(dir, 'dist')).catch(() => []);
}
