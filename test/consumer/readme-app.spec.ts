import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../demo/support/repo-root.js';

const APP = join(REPO_ROOT, 'test/consumer/app/src');

/** The README's ```ts blocks that open with `// src/<file>`, by file name. */
async function readmeFiles(): Promise<Map<string, string>> {
  const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
  const files = new Map<string, string>();
  for (const [, name, body] of readme.matchAll(/```ts\n\/\/ src\/([\w.-]+\.ts)\n([\s\S]*?)```/g)) files.set(name, body);
  return files;
}

describe('the README minimal app is the consumer test’s own code', () => {
  it('shows every file the consumer apps compile, word for word', async () => {
    const shown = await readmeFiles();
    const sources = (await readdir(APP)).filter((name) => name.endsWith('.ts')).sort();
    expect(sources).toEqual(['app.module.ts', 'main.ts', 'product.entity.ts', 'products.controller.ts']);
    expect([...shown.keys()].sort()).toEqual(sources);
    for (const name of sources) expect(shown.get(name), name).toBe(await readFile(join(APP, name), 'utf8'));
  });
});
