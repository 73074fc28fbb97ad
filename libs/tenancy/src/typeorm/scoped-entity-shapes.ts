import type { DataSource, EntityMetadata } from 'typeorm';
import { TenancyConfigurationError } from '../errors/tenancy-configuration.error.js';
import { isTenantScoped } from './tenant-metadata.js';

const scoping = (metadata: EntityMetadata) => (isTenantScoped(metadata) ? 'tenant-scoped' : 'not scoped');

/**
 * Entity shapes the filter cannot cover, refused when the metadata is built:
 * - a nested-set tree: TypeORM keeps nsleft/nsright with raw SQL over every
 *   row of the table (it counts roots and shifts the numbers of every tenant);
 * - single-table inheritance with mixed scoping: the unscoped parent's
 *   repository reads the scoped children's rows unfiltered, and RLS (which
 *   protects the parent's table) would skip the table;
 * - a table mapped by a scoped and an unscoped entity: the unscoped one reads
 *   every tenant's rows.
 */
export function assertScopedEntityShapes(dataSource: DataSource): void {
  const byTable = new Map<string, EntityMetadata[]>();
  for (const metadata of dataSource.entityMetadatas) {
    if (isTenantScoped(metadata) && metadata.treeType === 'nested-set') {
      throw new TenancyConfigurationError(
        null,
        `@TenantScoped() entity "${metadata.name}" is a @Tree('nested-set'): TypeORM maintains nested sets with raw SQL over every row of the table (it counts roots and shifts nsleft/nsright of every tenant), so one tenant's tree would block and reveal another's. Use @Tree('closure-table') or @Tree('materialized-path'), which the tenant filter covers.`,
      );
    }
    const parent = metadata.tableType === 'entity-child' ? metadata.parentEntityMetadata : undefined;
    if (parent && isTenantScoped(parent) !== isTenantScoped(metadata)) {
      throw new TenancyConfigurationError(
        null,
        `entity "${metadata.name}" (${scoping(metadata)}) is a single-table-inheritance child of "${parent.name}" (${scoping(parent)}), in the same table "${parent.tableName}": "${parent.name}"'s repository and query builders would read and change every tenant's "${metadata.name}" rows, and Row-Level Security would skip the table. Put @TenantScoped() on the parent entity "${parent.name}"; its children inherit it.`,
      );
    }
    if (metadata.tableType === 'view' || metadata.tableType === 'entity-child') continue;
    const key = metadata.tablePath;
    byTable.set(key, [...(byTable.get(key) ?? []), metadata]);
  }
  for (const [table, entities] of byTable) {
    const scoped = entities.find((metadata) => isTenantScoped(metadata));
    const unscoped = entities.find((metadata) => !isTenantScoped(metadata));
    if (scoped && unscoped) {
      throw new TenancyConfigurationError(
        null,
        `entities "${scoped.name}" (tenant-scoped) and "${unscoped.name}" (not scoped) map onto the same table "${table}": "${unscoped.name}" would read and change every tenant's rows. Put @TenantScoped() on "${unscoped.name}" too, or map it to another table.`,
      );
    }
  }
}
