import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderHttp } from './http/http-report.js';
import { renderMigrate } from './strategy/migrate-report.js';
import { renderNoisy } from './noisy/noisy-report.js';
import { renderOrm } from './orm/orm-report.js';
import { renderResolve } from './resolve/resolve-report.js';
import { renderRls } from './rls/rls-report.js';
import { renderStrategy } from './strategy/strategy-report.js';
import { loadResult, writeSection, type RuntimeResult } from './support/report.js';

/**
 * `npm run bench`: every benchmark, each in its own process, on Node 24 (the
 * primary runtime, installed from the npm registry by scripts/toolchain) and
 * on the Node that runs this script (20 on CI), then each section of
 * docs/BENCHMARKS.md rendered from both runs side by side.
 *
 *   npm run bench                        full run (both runtimes)
 *   npm run bench -- --quick             short rounds, report into .tmp/bench/BENCHMARKS.quick.md
 *   npm run bench -- --only orm,http     some sections
 *   npm run bench -- --schemas 10000     also provision and migrate that many tenant schemas
 *   npm run bench -- --primary-only      Node 24 alone
 *
 * PostgreSQL comes from BENCH_POSTGRES_URL / TEST_POSTGRES_URL, else an embedded server.
 */
const PRIMARY_NODE = '24.22.3';
const SQLITE = 'better-sqlite3@12.11.1';
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');

interface Bench {
  name: string;
  title: string;
  script: string;
  nodeArgs?: string[];
  /** `primary`: measured on Node 24 alone (long, or about the database more than the runtime). */
  runtimes: 'all' | 'primary';
  render(results: Array<RuntimeResult<never>>): string;
}

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    schemas: { type: 'string' },
    'primary-only': { type: 'boolean', default: false },
  },
});

const BENCHES: Bench[] = [
  { name: 'orm', title: 'ORM path', script: 'orm/orm-bench.js', runtimes: 'all', render: renderOrm },
  { name: 'http', title: 'HTTP pipeline', script: 'http/http-bench.js', runtimes: 'all', render: renderHttp },
  // A breakdown of the HTTP pipeline's resolution step (16 servers): on the primary runtime only, to keep a full run near 15 min.
  { name: 'resolve', title: 'tenant resolution', script: 'resolve/resolve-bench.js', runtimes: 'primary', render: renderResolve },
  { name: 'rls', title: 'Row-Level Security', script: 'rls/rls-bench.js', runtimes: 'all', render: renderRls },
  {
    name: 'strategy',
    title: 'strategies and scale',
    script: 'strategy/strategy-bench.js',
    nodeArgs: ['--expose-gc'],
    runtimes: 'all',
    render: renderStrategy,
  },
  {
    name: 'migrate',
    title: 'schema provisioning and migrate',
    script: 'strategy/migrate-bench.js',
    runtimes: 'primary',
    render: renderMigrate,
  },
  { name: 'noisy', title: 'noisy neighbour', script: 'noisy/noisy-bench.js', runtimes: 'primary', render: renderNoisy },
];

interface Runtime {
  label: string;
  node: string;
  env: Record<string, string>;
}

/** Node 24 from the registry package, with better-sqlite3 built for it in its own cached copy; then this Node. */
function runtimes(): Runtime[] {
  const toolchain = join(root, 'scripts/toolchain/node.mjs');
  const bin = execFileSync(process.execPath, [toolchain, PRIMARY_NODE], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const addon = execFileSync(process.execPath, [toolchain, PRIMARY_NODE, '--addon', SQLITE], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const primary: Runtime = {
    label: `node-${PRIMARY_NODE}`,
    node: join(bin, 'node'),
    env: { BENCH_SQLITE_BINDING: join(addon, 'build/Release/better_sqlite3.node') },
  };
  if (flags['primary-only'] || process.version === `v${PRIMARY_NODE}`) return [primary];
  // The other runtime's column is measured, not profiled: the profiles explain the primary one.
  return [primary, { label: `node-${process.version.slice(1)}`, node: process.execPath, env: { BENCH_PROFILE: '0' } }];
}

function run(node: string, args: string[], env: Record<string, string>): Promise<number> {
  return new Promise((done) =>
    spawn(node, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).on('exit', (code) => done(code ?? 1)),
  );
}

async function main(): Promise<number> {
  const started = Date.now();
  const only = flags.only?.split(',').map((name) => name.trim());
  const scratch = join(root, '.tmp/bench');
  await mkdir(scratch, { recursive: true });
  const report = flags.quick ? join(scratch, 'BENCHMARKS.quick.md') : join(root, 'docs/BENCHMARKS.md');
  const common: Record<string, string> = {
    BENCH_REPORT: report,
    ...(flags.quick ? { BENCH_QUICK: '1' } : {}),
    ...(flags.schemas ? { BENCH_SCHEMAS: flags.schemas } : {}),
  };
  const all = runtimes();
  let failed = 0;
  for (const bench of BENCHES) {
    if (only && !only.includes(bench.name)) continue;
    const script = join(here, bench.script);
    if (!existsSync(script)) {
      console.error(`skipped ${bench.title}: ${script} was not built`);
      failed++;
      continue;
    }
    const results: Array<RuntimeResult<never>> = [];
    for (const runtime of bench.runtimes === 'all' ? all : all.slice(0, 1)) {
      const out = join(scratch, `${bench.name}.${runtime.label}.json`);
      await rm(out, { force: true });
      console.log(`\n=== ${bench.title} on ${runtime.label} ===`);
      const benchStarted = Date.now();
      const code = await run(runtime.node, [...(bench.nodeArgs ?? []), script], { ...common, ...runtime.env, BENCH_OUT: out });
      const result = await loadResult<never>(out);
      console.log(
        `${bench.title} on ${runtime.label}: ${((Date.now() - benchStarted) / 1000).toFixed(0)} s${code ? `, exit ${code}` : ''}`,
      );
      if (code !== 0 || !result) failed++;
      else results.push(result);
    }
    // A run with --schemas N keeps its own section beside the default 1,000-schema one.
    const section = bench.name === 'migrate' && flags.schemas ? `migrate-${flags.schemas}` : bench.name;
    if (results.length > 0) await writeSection(section, bench.render(results), report);
  }
  const minutes = ((Date.now() - started) / 60000).toFixed(1);
  if (!only) {
    await writeSection(
      'run',
      `Last regeneration: \`npm run bench${flags.quick ? ' -- --quick' : ''}\`, ${minutes} min on this machine (${all.map((r) => r.label).join(', ')}), ${new Date().toISOString().slice(0, 10)}.`,
      report,
    );
  }
  console.log(failed ? `\n${failed} benchmark run(s) failed; see above` : `\n${report} updated in ${minutes} min`);
  return failed ? 1 : 0;
}

process.exitCode = await main();
