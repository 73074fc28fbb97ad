import { getMetadataArgsStorage } from 'typeorm';
import { DEFAULT_TENANT_COLUMN, DEFAULT_TENANT_COLUMN_LENGTH, DEFAULT_TENANT_PROPERTY } from '../constants.js';
import { watchScopedDataSources } from './install-tenancy-patches.js';
import { registerTenantScoped } from './tenant-scoped.registry.js';

export interface TenantScopedOptions {
  /** Database column name. Default `tenant_id`. */
  column?: string;
  /** Column length (varchar). Default 64, enough for the default id pattern. */
  length?: number;
}

/**
 * Makes an entity tenant-scoped: adds the `tenantId` property column (NOT NULL,
 * indexed) and puts every TypeORM read and write of the entity under the
 * tenant filter.
 */
export function TenantScoped(options: TenantScopedOptions = {}): ClassDecorator {
  return (target) => {
    // Only the initialize() hook: the query patches wait for a DataSource with a scoped entity.
    watchScopedDataSources();
    const column = options.column ?? DEFAULT_TENANT_COLUMN;
    const length = options.length ?? DEFAULT_TENANT_COLUMN_LENGTH;
    const storage = getMetadataArgsStorage();
    storage.columns.push({
      target,
      propertyName: DEFAULT_TENANT_PROPERTY,
      mode: 'regular',
      options: { type: 'varchar', name: column, length, nullable: false, update: true },
    });
    storage.indices.push({
      target,
      columns: [DEFAULT_TENANT_PROPERTY],
      synchronize: true,
      unique: false,
    });
    registerTenantScoped(target, { property: DEFAULT_TENANT_PROPERTY, column, length });
  };
}
