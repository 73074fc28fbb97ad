import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
// @ts-expect-error plain ESM script without types: the one Node installer of the repo (scripts/toolchain/node.mjs)
import { cacheRoot, ensureNode, nodeEnv } from '../toolchain/node.mjs';
import { CELL_SUITES, CELL_SUPPORT_FILES, type MatrixCell } from './matrix.cells.js';

const exec = promisify(execFile);

/** The cell's tools, at the exact versions the repo installed from its lock file (the cell runs the repo's own test files). */
function tools(repoRoot: string): Record<string, string> {
  const installed = (name: string) =>
    (JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  return Object.fromEntries(['vitest', 'vite', 'typescript', '@types/node', 'supertest'].map((name) => [name, installed(name)]));
}

/** The compiled file each native addon loads, for the build cache. */
const ADDON_BINARIES: Record<string, string> = {
  'better-sqlite3': 'build/Release/better_sqlite3.node',
  sqlite3: 'build/Release/node_sqlite3.node',
};

export interface CellInstall {
  dir: string;
  /** The packed library as the cell installed it. */
  tarball: string;
  nodeHome: string;
  nodeBin: string;
  /** Installed versions of the packages that make the cell. */
  versions: Record<string, string>;
  addonBuilds: Record<string, 'cached' | 'built' | 'kept'>;
}

function matrixRoot(): string {
  return join(cacheRoot() as string, 'matrix');
}

/** Runs a command with the cell's Node first on PATH; its output goes to the log (kept for a failing cell). */
function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; log: (text: string) => void },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => options.log(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => options.log(chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code} in ${options.cwd}`)),
    );
  });
}

/**
 * Installs the cell's app in ~/.cache/nestjs-tenancy/matrix/<id>: the tarball plus
 * the cell's versions, kept between runs (only the tarball is swapped), native
 * addons restored from the build cache or compiled once for that Node.
 */
export async function installCell(repoRoot: string, cell: MatrixCell, tarball: string, log: (text: string) => void): Promise<CellInstall> {
  const nodeHome = ensureNode(cell.node) as string;
  const nodeBin = join(nodeHome, 'bin', 'node');
  const dir = join(matrixRoot(), cell.id);
  mkdirSync(dir, { recursive: true });
  // The tarball under a content-hashed name: a new build is a new dependency spec, so npm replaces it and nothing else.
  const digest = createHash('sha256').update(readFileSync(tarball)).digest('hex').slice(0, 12);
  const tarballName = `nestjs-tenancy-${digest}.tgz`;
  for (const old of readdirSync(dir).filter((name) => name.startsWith('nestjs-tenancy-') && name !== tarballName)) rmSync(join(dir, old));
  copyFileSync(tarball, join(dir, tarballName));
  const manifest = {
    name: `matrix-${cell.id}`,
    private: true,
    type: 'module',
    dependencies: { 'nestjs-tenancy': `file:./${tarballName}`, ...cell.dependencies, ...tools(repoRoot) },
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const env = { ...nodeEnv(nodeHome), npm_config_loglevel: 'error' } as NodeJS.ProcessEnv;
  // Strict peers: an install that npm reports as a peer conflict fails the cell (the peer ranges are under test too).
  // Scripts off: the native addons are built (or restored) below, for this Node only.
  await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, env, log });
  const modules = (await exec(nodeBin, ['-p', 'process.versions.modules'])).stdout.trim();
  const addonBuilds: CellInstall['addonBuilds'] = {};
  for (const [name, binary] of Object.entries(ADDON_BINARIES)) {
    const packageDir = join(dir, 'node_modules', name);
    if (!existsSync(packageDir)) continue;
    const target = join(packageDir, binary);
    const version = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
    const cached = join(matrixRoot(), 'addons', `${name}-${version}-abi${modules}`, binary);
    if (existsSync(target) && existsSync(cached)) {
      addonBuilds[name] = 'kept';
    } else if (existsSync(cached)) {
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(cached, target);
      addonBuilds[name] = 'cached';
    } else {
      log(`building ${name} ${version} for node ${cell.node}\n`);
      await run('npm', ['rebuild', name, '--foreground-scripts'], { cwd: dir, env, log });
      mkdirSync(dirname(cached), { recursive: true });
      copyFileSync(target, cached);
      addonBuilds[name] = 'built';
    }
  }
  const versions: Record<string, string> = {};
  for (const name of [...Object.keys(cell.dependencies), 'nestjs-tenancy']) {
    const file = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(file)) versions[name] = (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return { dir, tarball: join(dir, tarballName), nodeHome, nodeBin, versions, addonBuilds };
}

/** The vitest config of a cell: the repo's suites, internals imported by path mapped onto the installed package. */
const CELL_VITEST_CONFIG = `import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const DIST = fileURLToPath(new URL('./node_modules/nestjs-tenancy/dist/', import.meta.url));

export default defineConfig({
  plugins: [
    {
      // A suite that imports a library internal by its source path gets the installed package's compiled file,
      // the same module instance that \`nestjs-tenancy\` loads: never a second copy from the repo.
      name: 'tenancy-internals-from-the-tarball',
      enforce: 'pre',
      resolveId(source) {
        const match = /libs\\/tenancy\\/src\\/(.+)\\.js$/.exec(source);
        return match ? DIST + match[1] + '.js' : null;
      },
    },
  ],
  test: {
    include: SUITES,
    globalSetup: ['suite/test/setup/global-setup.ts'],
    // The repo's own limits: the cell installs nothing in a hook but the negative app's second typeorm.
    testTimeout: 60_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
`;

/** Copies the suites and what they import into <cell>/suite, fresh each run, and writes the cell's vitest config. */
export function syncSuites(repoRoot: string, dir: string): void {
  const suite = join(dir, 'suite');
  rmSync(suite, { recursive: true, force: true });
  for (const file of [...Object.values(CELL_SUITES), ...CELL_SUPPORT_FILES]) {
    cpSync(join(repoRoot, file), join(suite, file), { recursive: true });
  }
  const tsconfig = JSON.parse(readFileSync(join(repoRoot, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
  delete tsconfig.compilerOptions.paths;
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: tsconfig.compilerOptions, include: ['suite'] }, null, 2));
  const suites = JSON.stringify(Object.values(CELL_SUITES).map((file) => `suite/${file}`));
  writeFileSync(join(dir, 'vitest.config.ts'), CELL_VITEST_CONFIG.replace('SUITES', suites));
  // The consumer apps of the previous run (the negative one has its own node_modules).
  for (const name of ['cjs', 'esm', 'negative', 'data-source.mjs', 'results.json'])
    rmSync(join(dir, name), { recursive: true, force: true });
}

export interface SuiteCounts {
  passed: number;
  failed: number;
  skipped: number;
}

interface VitestJson {
  testResults: Array<{ name: string; status: string; message?: string; assertionResults: Array<{ status: string }> }>;
}

/** Runs the cell's suites with vitest on the cell's Node; counts per suite from vitest's JSON report. */
export async function runCellSuites(
  install: CellInstall,
  env: NodeJS.ProcessEnv,
  log: (text: string) => void,
  progress: (line: string) => void,
): Promise<{ suites: Record<string, SuiteCounts>; errors: string[] }> {
  const results = join(install.dir, 'results.json');
  let pending = '';
  await run(
    install.nodeBin,
    ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`],
    {
      cwd: install.dir,
      env: { ...nodeEnv(install.nodeHome), ...env, NO_COLOR: '1', CI: 'true' },
      // The default reporter's line per finished file is the cell's progress.
      log: (text) => {
        log(text);
        const lines = (pending + text).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) if (/^ [✓❯×] suite\//.test(line)) progress(line.trim());
      },
    },
  ).catch((error: unknown) => log(`${error instanceof Error ? error.message : String(error)}\n`));
  const suites: Record<string, SuiteCounts> = {};
  const errors: string[] = [];
  const report: VitestJson = existsSync(results) ? (JSON.parse(readFileSync(results, 'utf8')) as VitestJson) : { testResults: [] };
  for (const [label, file] of Object.entries(CELL_SUITES)) {
    const entry = report.testResults.find((result) => result.name.endsWith(`/suite/${file}`));
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const assertion of entry?.assertionResults ?? []) {
      if (assertion.status === 'passed') counts.passed++;
      else if (assertion.status === 'failed') counts.failed++;
      else counts.skipped++;
    }
    // A suite that could not load (or never reported) ran nothing: that is a failure, never a silent skip.
    if (!entry || (entry.status !== 'passed' && counts.failed === 0) || counts.passed + counts.failed === 0) {
      counts.failed = Math.max(counts.failed, 1);
      errors.push(`${label}: ${entry?.message?.split('\n')[0] ?? 'no result'}`);
    }
    suites[label] = counts;
  }
  return { suites, errors };
}
