// `npm run test:matrix` (issue 11): packs libs/tenancy once, then for each cell
// of matrix.cells.ts installs the tarball into a consumer app with that cell's
// Nest / TypeORM / nestjs-cls on that cell's Node, and runs the consumer
// isolation test, the ORM attack catalogue and the fail-closed suite against
// SQLite and PostgreSQL. Writes docs/compatibility.json and the README's
// "## Compatibility" table from the results. Exit code 1 if any cell failed.
//
//   npm run test:matrix                      every cell
//   npm run test:matrix -- --cell <id> ...   some cells (the others keep their last results)
//   npm run test:matrix -- --table           only rewrites the README's block from docs/compatibility.json
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { format, resolveConfig } from 'prettier';
import { givenPostgresUrl, startPostgres, type PostgresServer } from '../../support/postgres-server.js';
import { installCell, runCellSuites, syncSuites } from './cell-workspace.js';
import {
  COMPATIBILITY_JSON,
  LIBRARY_MANIFEST,
  README,
  renderSummary,
  updateReadme,
  type CellResult,
  type LibraryManifest,
  type MatrixResults,
} from './compatibility-table.js';
import { MATRIX_CELLS, type MatrixCell } from './matrix.cells.js';

const exec = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

function selectedCells(argv: string[]): MatrixCell[] {
  const ids = argv.flatMap((arg, index) => (argv[index - 1] === '--cell' ? [arg] : []));
  if (ids.length === 0) return MATRIX_CELLS;
  const unknown = ids.filter((id) => !MATRIX_CELLS.some((cell) => cell.id === id));
  if (unknown.length > 0) throw new Error(`unknown cell ${unknown.join(', ')}; cells: ${MATRIX_CELLS.map((cell) => cell.id).join(', ')}`);
  return MATRIX_CELLS.filter((cell) => ids.includes(cell.id));
}

const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10;

async function packLibrary(): Promise<{ tarball: string; scratch: string }> {
  const scratch = mkdtempSync(join(tmpdir(), 'tenancy-matrix-'));
  const { stdout } = await exec('npm', ['pack', '--json', '--pack-destination', scratch], {
    cwd: join(REPO_ROOT, 'libs/tenancy'),
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, npm_config_loglevel: 'error' },
  });
  const [packed] = JSON.parse(stdout) as Array<{ filename: string }>;
  return { tarball: join(scratch, packed.filename), scratch };
}

async function runCell(cell: MatrixCell, tarball: string, postgresUrl: string, logDir: string): Promise<CellResult> {
  const logFile = join(logDir, `${cell.id}.log`);
  writeFileSync(logFile, '');
  const log = (text: string) => appendFileSync(logFile, text);
  const started = performance.now();
  const base: Omit<CellResult, 'passed' | 'suites' | 'errors' | 'seconds'> = {
    id: cell.id,
    node: cell.node,
    sqliteDriver: cell.sqliteDriver,
    versions: {},
  };
  try {
    const install = await installCell(REPO_ROOT, cell, tarball, log);
    const installed = seconds(started);
    console.log(
      `  installed in ${installed}s (addons: ${
        Object.entries(install.addonBuilds)
          .map(([name, how]) => `${name} ${how}`)
          .join(', ') || 'none'
      })`,
    );
    syncSuites(REPO_ROOT, install.dir);
    const testsStarted = performance.now();
    const { suites, errors } = await runCellSuites(
      install,
      {
        TEST_POSTGRES_URL: postgresUrl,
        TENANCY_CONSUMER_ROOT: install.dir,
        TENANCY_CONSUMER_TARBALL: install.tarball,
        TEST_SQLITE_DRIVER: cell.sqliteDriver,
        TENANCY_SECOND_TYPEORM: cell.secondTypeorm,
      },
      log,
      (line) => console.log(`    ${line}`),
    );
    console.log(`  suites ran in ${seconds(testsStarted)}s`);
    const passed = Object.values(suites).every((counts) => counts.failed === 0);
    return { ...base, versions: install.versions, passed, suites, errors, seconds: seconds(started) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`${message}\n`);
    return { ...base, passed: false, suites: {}, errors: [message.split('\n')[0]], seconds: seconds(started) };
  }
}

function writeReadme(matrix: MatrixResults): void {
  const library = JSON.parse(readFileSync(LIBRARY_MANIFEST, 'utf8')) as LibraryManifest;
  writeFileSync(README, updateReadme(readFileSync(README, 'utf8'), matrix, library));
}

async function main(): Promise<void> {
  if (process.argv.includes('--table')) {
    writeReadme(JSON.parse(readFileSync(COMPATIBILITY_JSON, 'utf8')) as MatrixResults);
    console.log("wrote README.md's compatibility block from docs/compatibility.json");
    return;
  }
  const cells = selectedCells(process.argv.slice(2));
  const started = performance.now();
  const logDir = join(REPO_ROOT, '.tmp', 'matrix');
  mkdirSync(logDir, { recursive: true });
  const given = await givenPostgresUrl();
  const server: PostgresServer = await startPostgres(given);
  console.log(
    `matrix: ${cells.length} cell(s); PostgreSQL ${given ? 'at ' + new URL(server.url).host : '(embedded)'}; logs in .tmp/matrix/`,
  );
  const { tarball, scratch } = await packLibrary();
  const results: CellResult[] = [];
  try {
    for (const [index, cell] of cells.entries()) {
      console.log(`[${index + 1}/${cells.length}] ${cell.id}: node ${cell.node}, ${cell.sqliteDriver}`);
      const result = await runCell(cell, tarball, server.url, logDir);
      results.push(result);
      console.log(
        `  ${result.passed ? 'PASS' : 'FAIL'} in ${result.seconds}s${result.errors.length ? `: ${result.errors.join('; ')}` : ''}`,
      );
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await server.stop();
  }
  const previous: MatrixResults | undefined = existsSync(COMPATIBILITY_JSON)
    ? (JSON.parse(readFileSync(COMPATIBILITY_JSON, 'utf8')) as MatrixResults)
    : undefined;
  // Cells not run this time keep their last results; cells no longer defined are dropped.
  const merged = MATRIX_CELLS.flatMap((cell) => {
    const result = results.find((entry) => entry.id === cell.id) ?? previous?.cells.find((entry) => entry.id === cell.id);
    return result ? [result] : [];
  });
  const matrix: MatrixResults = {
    command: 'npm run test:matrix',
    wallSeconds: seconds(started),
    cellsRun: results.map((result) => result.id),
    cells: merged,
  };
  // Formatted as the repo's prettier does, so that \`npm run lint\` passes on the file as written.
  const options = await resolveConfig(COMPATIBILITY_JSON);
  writeFileSync(COMPATIBILITY_JSON, await format(JSON.stringify(matrix, null, 2), { ...options, filepath: COMPATIBILITY_JSON }));
  writeReadme(matrix);
  console.log(`\n${renderSummary(results)}\nmatrix wall time: ${matrix.wallSeconds}s; wrote docs/compatibility.json and README.md's table`);
  const failed = results.filter((result) => !result.passed).length;
  console.log(`matrix: ${results.length - failed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

await main();
