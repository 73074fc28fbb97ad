import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** One installed copy of typeorm, as far as it can be found. */
export interface TypeormCopy {
  version: string | undefined;
  location: string | undefined;
}

function typeormPackageAbove(file: string): TypeormCopy | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    try {
      const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (json.name === 'typeorm') return { version: typeof json.version === 'string' ? json.version : undefined, location: dir };
    } catch {
      // No readable package.json here: keep walking up.
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The copy of typeorm that defines a DataSource class (or one of its base
 * classes): the CommonJS module whose own `DataSource` export is that class,
 * then the nearest typeorm package.json above it. Only plain data exports are
 * read, so no module's lazy getter runs. Unknown when typeorm was not loaded
 * through the CommonJS cache.
 */
export function typeormCopyOf(dataSourceClass: unknown): TypeormCopy {
  const cache = createRequire(join(process.cwd(), 'tenancy-locator.js')).cache;
  const modules = Object.entries(cache);
  for (let ctor = dataSourceClass; typeof ctor === 'function'; ctor = Object.getPrototypeOf(ctor) as unknown) {
    for (const [file, loaded] of modules) {
      const exported: unknown = loaded?.exports;
      if ((typeof exported !== 'object' && typeof exported !== 'function') || exported === null) continue;
      if (Object.getOwnPropertyDescriptor(exported, 'DataSource')?.value !== ctor) continue;
      const found = typeormPackageAbove(file);
      if (found) return found;
    }
  }
  return { version: undefined, location: undefined };
}

export function describeTypeormCopy(copy: TypeormCopy): string {
  if (!copy.location) return `${copy.version ?? 'unknown version'} at an unknown location`;
  return `${copy.version ?? 'unknown version'} at ${copy.location}`;
}
