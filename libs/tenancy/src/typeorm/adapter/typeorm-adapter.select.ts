import { TenancyConfigurationError } from '../../errors/tenancy-configuration.error.js';
import { TYPEORM_03_ADAPTER } from './typeorm-03.adapter.js';
import { TYPEORM_1X_ADAPTER } from './typeorm-1x.adapter.js';
import type { TypeormAdapter } from './typeorm-adapter.js';
import { describeTypeormCopy, typeormCopyOf, type TypeormCopy } from './typeorm-copy.locator.js';

const ADAPTERS = [TYPEORM_03_ADAPTER, TYPEORM_1X_ADAPTER] as const;

/** The npm range of every typeorm release the library is proven on. */
export const SUPPORTED_TYPEORM = ADAPTERS.map((adapter) => adapter.range).join(' || ');

/** `^x.y.z` as npm reads it (same major, or same minor on 0.x; no prereleases). */
function satisfiesCaret(version: string, range: string): boolean {
  const parse = (text: string) => /^(\d+)\.(\d+)\.(\d+)$/.exec(text)?.slice(1).map(Number);
  const have = parse(version);
  const [major, minor, patch] = parse(range.slice(1)) ?? [];
  if (!have || major === undefined) return false;
  if (have[0] !== major) return false;
  if (major === 0 && have[1] !== minor) return false;
  return have[1] > minor || (have[1] === minor && have[2] >= patch);
}

/** The adapter of the line `version` belongs to, when the library is proven on it. */
export function adapterForVersion(version: string): TypeormAdapter | undefined {
  return ADAPTERS.find((adapter) => satisfiesCaret(version, adapter.range));
}

/**
 * A typeorm whose version cannot be read (not loaded through the CommonJS
 * cache, e.g. bundled): the line is told by its EntityManager, which names
 * the DataSource `dataSource` on 1.x only. The bind-time preflight then checks
 * every member of that line, so a wrong guess refuses to start.
 */
function adapterByShape(entityManagerClass: { prototype: object } | undefined): TypeormAdapter {
  const prototype = entityManagerClass?.prototype;
  const named = prototype && Object.getOwnPropertyDescriptor(prototype, 'connection')?.get !== undefined;
  return named ? TYPEORM_1X_ADAPTER : TYPEORM_03_ADAPTER;
}

/**
 * The adapter for one copy of typeorm, picked from its version; an
 * unsupported version refuses, naming the supported ranges.
 */
export function selectTypeormAdapter(copy: TypeormCopy, entityManagerClass?: { prototype: object }): TypeormAdapter {
  if (copy.version === undefined) return adapterByShape(entityManagerClass);
  const adapter = adapterForVersion(copy.version);
  if (adapter) return adapter;
  throw new TenancyConfigurationError(
    null,
    `nestjs-tenancy cannot protect this DataSource: typeorm ${describeTypeormCopy(copy)} is not supported. nestjs-tenancy supports typeorm ${SUPPORTED_TYPEORM}: install one of them.`,
  );
}

/** The adapter of the typeorm copy that defines `dataSourceClass` (a DataSource class or subclass). */
export function typeormAdapterOf(dataSourceClass: unknown, entityManagerClass?: { prototype: object }): TypeormAdapter {
  return selectTypeormAdapter(typeormCopyOf(dataSourceClass), entityManagerClass);
}
