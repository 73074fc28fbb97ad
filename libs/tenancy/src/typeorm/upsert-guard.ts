import type { DataSource, EntityMetadata } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { TenantIsolationError } from '../errors/tenant-isolation.error.js';
import type { QueryBuilderInternals } from './query-builder-internals.js';
import type { TenantScope } from './tenant-scope.js';

const refuse = (entity: string, why: string) =>
  new TenantIsolationError('TENANT_UNSUPPORTED_QUERY', `Upsert on tenant-scoped entity "${entity}": ${why}`);

/**
 * `ON CONFLICT (sku) DO UPDATE` would overwrite another tenant's row that
 * holds the same sku under a globally unique key. The conflict target is made
 * to include the tenant column, so the only row it can ever hit is one of the
 * current tenant (whose tenant column was just stamped with that tenant).
 */
export function guardUpsert(
  dataSource: DataSource,
  qb: QueryBuilderInternals,
  metadata: EntityMetadata,
  column: ColumnMetadata,
  scope: TenantScope,
): void {
  const onUpdate = qb.expressionMap.onUpdate;
  if (!onUpdate || scope.kind !== 'tenant') return;
  if (!dataSource.driver.supportedUpsertTypes.includes('on-conflict-do-update')) {
    throw refuse(metadata.name, `this driver has no ON CONFLICT target, so the conflicting row could belong to another tenant.`);
  }
  const { conflict } = onUpdate;
  if (Array.isArray(conflict)) {
    if (!conflict.includes(column.databaseName)) onUpdate.conflict = [column.databaseName, ...conflict];
    return;
  }
  if (typeof conflict === 'string') {
    const constraint = [...metadata.uniques, ...metadata.indices].find((entry) => entry.name === conflict);
    if (constraint?.columns.some((entry) => entry.databaseName === column.databaseName)) return;
    throw refuse(metadata.name, `constraint "${conflict}" does not include the tenant column "${column.databaseName}".`);
  }
  throw refuse(metadata.name, `give conflict paths (the tenant column is added to them).`);
}
