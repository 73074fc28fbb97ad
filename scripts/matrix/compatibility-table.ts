import { fileURLToPath } from 'node:url';

/** Results of `npm run test:matrix`, the only source of the README's compatibility table. */
export const COMPATIBILITY_JSON = fileURLToPath(new URL('../../docs/compatibility.json', import.meta.url));
export const README = fileURLToPath(new URL('../../README.md', import.meta.url));
export const LIBRARY_MANIFEST = fileURLToPath(new URL('../../libs/tenancy/package.json', import.meta.url));

export interface LibraryManifest {
  engines: { node: string };
  peerDependencies: Record<string, string>;
}

export interface CellResult {
  id: string;
  node: string;
  sqliteDriver: string;
  /** Installed versions of the cell's packages (nestjs-tenancy included). */
  versions: Record<string, string>;
  passed: boolean;
  /** Tests per suite; a suite that could not run counts one failure. */
  suites: Record<string, { passed: number; failed: number; skipped: number }>;
  errors: string[];
  seconds: number;
}

export interface MatrixResults {
  command: string;
  /** Wall time of the run that wrote the file, and the cells it ran (the others kept their earlier results). */
  wallSeconds: number;
  cellsRun: string[];
  cells: CellResult[];
}

const START = '<!-- compatibility:start (written by npm run test:matrix from docs/compatibility.json) -->';
const END = '<!-- compatibility:end -->';

const version = (cell: CellResult, name: string) => cell.versions[name] ?? '—';

function tests(cell: CellResult): string {
  const suites = Object.entries(cell.suites);
  if (suites.length === 0) return 'did not run';
  return suites
    .map(
      ([label, counts]) =>
        `${label} ${counts.passed}/${counts.passed + counts.failed}${counts.skipped ? ` (${counts.skipped} skipped)` : ''}`,
    )
    .join(', ');
}

/** The README's block: the package's peer ranges, then one row per cell, versions as installed, tests as counted. */
export function renderTable(matrix: MatrixResults, library: LibraryManifest): string {
  const peer = (name: string) => `\`${library.peerDependencies[name]}\``;
  const ranges =
    `Peer ranges of the package: NestJS (\`@nestjs/common\`, \`@nestjs/core\`) ${peer('@nestjs/core')}, ` +
    `\`@nestjs/typeorm\` ${peer('@nestjs/typeorm')}, TypeORM ${peer('typeorm')}, nestjs-cls ${peer('nestjs-cls')}, ` +
    `Node.js \`${library.engines.node}\`.`;
  const rows = matrix.cells.map((cell) =>
    [
      cell.passed ? '**pass**' : '**FAIL**',
      cell.node,
      version(cell, '@nestjs/core'),
      version(cell, '@nestjs/typeorm'),
      version(cell, 'typeorm'),
      version(cell, 'nestjs-cls'),
      `${cell.sqliteDriver} ${version(cell, cell.sqliteDriver)}, pg ${version(cell, 'pg')}`,
      tests(cell),
    ].join(' | '),
  );
  return [
    ranges,
    '',
    '| result | Node.js | NestJS | @nestjs/typeorm | TypeORM | nestjs-cls | drivers | tests passed (SQLite and PostgreSQL) |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}

/** Replaces the text between the README's compatibility markers with the table of these results. */
export function updateReadme(readme: string, matrix: MatrixResults, library: LibraryManifest): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no "${START}" … "${END}" markers`);
  return `${readme.slice(0, start + START.length)}\n\n${renderTable(matrix, library)}\n\n${readme.slice(end)}`;
}

/** The console summary of one run: a row per cell with its time. */
export function renderSummary(results: CellResult[]): string {
  const lines = results.map(
    (cell) =>
      `${cell.passed ? 'PASS' : 'FAIL'}  ${cell.id.padEnd(34)} ${`${cell.seconds}s`.padStart(7)}  ${tests(cell)}${
        cell.errors.length ? `\n      ${cell.errors.join('\n      ')}` : ''
      }`,
  );
  return ['result cell                               time    tests', ...lines].join('\n');
}
