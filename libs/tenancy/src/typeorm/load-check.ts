import type { EntityMetadata, ObjectLiteral } from 'typeorm';
import { DriverUtils } from 'typeorm/driver/DriverUtils.js';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { TenantIsolationError } from '../errors/tenant-isolation.error.js';
import type { TypeormAdapter } from './adapter/typeorm-adapter.js';
import type { QueryBuilderInternals } from './query-builder-internals.js';
import { tenantColumnOf } from './tenant-metadata.js';

/** Where one scoped alias's tenant and first primary key column sit in a raw row. */
interface RawKeys {
  entity: string;
  tenant: string;
  id: string | undefined;
}

const MAX_ALIASES_PER_COLUMN = 256;
const keysByColumn = new WeakMap<ColumnMetadata, Map<string, RawKeys>>();

/**
 * The raw-row keys TypeORM gives an alias's columns (`alias_column`, hashed
 * past the driver's alias length), the names its entity transformer reads
 * them by: built once per tenant column and alias.
 */
function rawKeys(
  typeorm: TypeormAdapter,
  qb: QueryBuilderInternals,
  metadata: EntityMetadata,
  aliasName: string,
  column: ColumnMetadata,
): RawKeys {
  let byAlias = keysByColumn.get(column);
  if (!byAlias) keysByColumn.set(column, (byAlias = new Map()));
  let keys = byAlias.get(aliasName);
  if (!keys) {
    const driver = typeorm.dataSourceOf(qb).driver;
    const id = metadata.primaryColumns[0] as ColumnMetadata | undefined;
    keys = {
      entity: metadata.name,
      tenant: DriverUtils.buildAlias(driver, undefined, aliasName, column.databaseName),
      id: id && DriverUtils.buildAlias(driver, undefined, aliasName, id.databaseName),
    };
    // Aliases are chosen by the app's code: a bounded set in practice, capped here all the same.
    if (byAlias.size < MAX_ALIASES_PER_COLUMN) byAlias.set(aliasName, keys);
  }
  return keys;
}

/** The raw-row keys of every scoped alias a read may select, or undefined when it reads no scoped entity. */
export function scopedRawKeys(typeorm: TypeormAdapter, qb: QueryBuilderInternals): RawKeys[] | undefined {
  let list: RawKeys[] | undefined;
  for (const alias of qb.expressionMap.aliases) {
    if (!alias.hasMetadata) continue;
    const column = tenantColumnOf(alias.metadata);
    if (column) (list ??= []).push(rawKeys(typeorm, qb, alias.metadata, alias.name, column));
  }
  return list;
}

/**
 * The last wall behind the filter: a raw row that carries a scoped alias's
 * tenant column must carry the filtering tenant, before TypeORM builds an
 * entity from it (and whether or not listeners run). A column not selected is
 * absent; NULL is an outer join's missing row, unless the row's primary key
 * is there: then it is a row of no tenant, which the filter never returns.
 */
export function assertRowsOfTenant(rows: unknown, keys: readonly RawKeys[], tenantId: string): void {
  if (rows === undefined || rows === null) return;
  // Rows in a shape this check does not know are refused, not passed unchecked.
  if (!Array.isArray(rows)) {
    throw new TenantIsolationError(
      'TENANT_UNSUPPORTED_QUERY',
      'A read returned its rows in a shape the tenant check does not know (not a list), so they were not handed over. Check that the installed typeorm is a supported release.',
    );
  }
  for (const row of rows as ObjectLiteral[]) {
    for (const key of keys) {
      const value: unknown = row[key.tenant];
      if (value === tenantId || value === undefined) continue;
      if (value === null && (key.id === undefined || row[key.id] === null || row[key.id] === undefined)) continue;
      // A server fault, not the client's request: a 500 whose public message names no tenant or row.
      throw new TenantIsolationError(
        'TENANT_UNSUPPORTED_QUERY',
        `A "${key.entity}" row of another tenant came back from a read; it was discarded. This is a bug in a query path: please report it.`,
      );
    }
  }
}
