import type { EntityMetadata } from 'typeorm';
import type { ForeignKeyMetadata } from 'typeorm/metadata/ForeignKeyMetadata.js';
import { isTenantScoped } from './tenant-metadata.js';

/**
 * The foreign keys of a many-to-many junction table that point at a scoped
 * entity. A junction row has no tenant column of its own: it belongs to the
 * tenant of the scoped row(s) it links, so these are what it is checked by.
 */
export function scopedJunctionKeys(metadata: EntityMetadata | undefined): ForeignKeyMetadata[] {
  if (!metadata || metadata.tableType !== 'junction') return [];
  return metadata.foreignKeys.filter((key) => isTenantScoped(key.referencedEntityMetadata));
}

/** A scoped entity's table, or a junction table linking at least one scoped entity. */
export function holdsTenantRows(metadata: EntityMetadata): boolean {
  return isTenantScoped(metadata) || scopedJunctionKeys(metadata).length > 0;
}
