import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import type { MigrationInterface } from 'typeorm';

/** Compiles generated migration source as an app's build would, and loads its class. */
export async function loadGeneratedMigration(source: string): Promise<new () => MigrationInterface> {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const dir = await mkdtemp(join(tmpdir(), 'tenancy-rls-migration-'));
  try {
    const file = join(dir, 'migration.mjs');
    await writeFile(file, outputText);
    const module = (await import(pathToFileURL(file).href)) as Record<string, new () => MigrationInterface>;
    const [migration] = Object.values(module);
    return migration;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
