import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench`: every benchmark in turn, each in its own process, each
 * rewriting its own section of docs/BENCHMARKS.md. PostgreSQL comes from
 * BENCH_POSTGRES_URL / TEST_POSTGRES_URL, else an embedded server.
 */
const here = dirname(fileURLToPath(import.meta.url));
const BENCHES: Array<[string, string[]]> = [
  ['ORM path', [join(here, 'orm-bench.js')]],
  ['HTTP pipeline', [join(here, 'http-bench.js')]],
  ['Row-Level Security', [join(here, '..', 'bench-rls.js')]],
  ['strategies and scale', ['--expose-gc', join(here, 'strategy-bench.js')]],
  ['noisy neighbour', [join(here, 'noisy-neighbour-bench.js')]],
];

function run(args: string[]): Promise<number> {
  return new Promise((resolve) => spawn(process.execPath, args, { stdio: 'inherit' }).on('exit', (code) => resolve(code ?? 1)));
}

let failed = 0;
for (const [name, args] of BENCHES) {
  const script = args.at(-1) ?? '';
  if (!existsSync(script)) {
    console.error(`skipped ${name}: ${script} was not built`);
    failed++;
    continue;
  }
  console.log(`\n=== ${name} ===`);
  if ((await run(args)) !== 0) failed++;
}
console.log(failed ? `\n${failed} benchmark(s) failed; see above` : '\ndocs/BENCHMARKS.md updated');
process.exitCode = failed ? 1 : 0;
