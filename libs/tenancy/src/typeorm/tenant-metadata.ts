import type { DataSource, EntityMetadata } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { findTenantScoped } from './tenant-scoped.registry.js';

const columnCache = new WeakMap<EntityMetadata, ColumnMetadata | null>();

/** The tenant column of a scoped entity, or undefined for an unscoped one. */
export function tenantColumnOf(metadata: EntityMetadata | undefined): ColumnMetadata | undefined {
  if (!metadata) return undefined;
  let column = columnCache.get(metadata);
  if (column === undefined) {
    const scoped = findTenantScoped(metadata.target);
    column = scoped ? (metadata.findColumnWithPropertyName(scoped.property) ?? null) : null;
    columnCache.set(metadata, column);
  }
  return column ?? undefined;
}

export function isTenantScoped(metadata: EntityMetadata | undefined): boolean {
  return tenantColumnOf(metadata) !== undefined;
}

export function hasTenantScopedEntities(dataSource: DataSource): boolean {
  return dataSource.entityMetadatas.some((metadata) => isTenantScoped(metadata));
}
