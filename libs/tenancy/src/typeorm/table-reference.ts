import type { DataSource, EntityMetadata } from 'typeorm';
import { holdsTenantRows } from './junction-metadata.js';

/**
 * What a table named by a string (`from('Products')`, `into('main.products')`,
 * `leftJoin('products', ...)`) reaches, judged the way the database will
 * resolve it. TypeORM quotes each dot-separated part, so the parts are exact
 * identifiers: PostgreSQL compares them case-sensitively, SQLite folds ASCII
 * case whatever the quoting.
 * - `entity`: the table of an entity holding tenant rows, where that entity
 *   lives: the query builder treats it as the entity (filtered and stamped);
 * - `elsewhere`: that table's name in another place (another schema, SQLite's
 *   `temp`, another tenant's schema, the shared schema's copy): it cannot be
 *   filtered as the entity, so it is refused inside a tenant;
 * - `other`: any other table, left alone.
 */
export type TableReference = { kind: 'entity' | 'elsewhere'; metadata: EntityMetadata } | { kind: 'other' };

const foldAscii = (name: string) => name.replace(/[A-Z]/g, (c) => c.toLowerCase());

function sameIdentifier(dataSource: DataSource, a: string, b: string): boolean {
  return dataSource.driver.options.type === 'postgres' ? a === b : foldAscii(a) === foldAscii(b);
}

/** The schema an unqualified name of this entity resolves to. */
function homeSchema(dataSource: DataSource, metadata: EntityMetadata): string {
  if (dataSource.driver.options.type !== 'postgres') return metadata.schema ?? 'main';
  return metadata.schema ?? (dataSource.driver as { schema?: string }).schema ?? 'public';
}

export function resolveTableReference(dataSource: DataSource, reference: string): TableReference {
  if (reference.startsWith('(') && reference.endsWith(')')) return { kind: 'other' };
  const parts = reference.split('.');
  const table = parts[parts.length - 1];
  const candidates = dataSource.entityMetadatas.filter(
    (metadata) => metadata.tableType !== 'view' && sameIdentifier(dataSource, metadata.tableName, table) && holdsTenantRows(metadata),
  );
  const metadata = candidates.find((candidate) => candidate.tableType !== 'entity-child') ?? candidates[0];
  if (!metadata) return { kind: 'other' };
  if (parts.length === 1) return { kind: 'entity', metadata };
  if (parts.length === 2 && sameIdentifier(dataSource, parts[0], homeSchema(dataSource, metadata))) return { kind: 'entity', metadata };
  return { kind: 'elsewhere', metadata };
}
