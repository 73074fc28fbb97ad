import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  COMPATIBILITY_JSON,
  LIBRARY_MANIFEST,
  README,
  updateReadme,
  type LibraryManifest,
  type MatrixResults,
} from '../../scripts/matrix/compatibility-table.js';
import { MATRIX_CELLS } from '../../scripts/matrix/matrix.cells.js';

const results = JSON.parse(readFileSync(COMPATIBILITY_JSON, 'utf8')) as MatrixResults;
const library = JSON.parse(readFileSync(LIBRARY_MANIFEST, 'utf8')) as LibraryManifest;
const peers = library.peerDependencies;

/** "1.1.1" -> "1", "0.3.31" -> "0.3" (below 1.0 the minor is the breaking line). */
const line = (version: string) => {
  const [major, minor] = version.replace(/^[\^~]/, '').split('.');
  return major === '0' ? `0.${minor}` : major;
};

describe('the compatibility table (npm run test:matrix)', () => {
  it('the README shows exactly the table written from docs/compatibility.json', () => {
    const readme = readFileSync(README, 'utf8');
    expect(updateReadme(readme, results, library)).toBe(readme);
  });

  it('holds a result for every cell of the matrix', () => {
    expect(results.cells.map((cell) => cell.id)).toEqual(MATRIX_CELLS.map((cell) => cell.id));
  });

  it.each(['@nestjs/core', '@nestjs/common', '@nestjs/typeorm', 'typeorm', 'nestjs-cls'])(
    'the peer range of %s names exactly the major lines of the passing cells',
    (name) => {
      const proven = new Set(results.cells.filter((cell) => cell.passed).map((cell) => line(cell.versions[name])));
      const declared = new Set(peers[name].split('||').map((range) => line(range.trim())));
      expect([...declared].sort()).toEqual([...proven].sort());
    },
  );
});
