import type { DataSource } from 'typeorm';
import { TenancyConfigurationError } from '../errors/tenancy-configuration.error.js';
import { installTenancyPatches, onMetadataBuilt } from '../typeorm/install-tenancy-patches.js';
import { hasTenantScopedEntities } from '../typeorm/tenant-metadata.js';
import { applyCitusKeys } from './citus-keys.apply.js';
import { hasCitusKeys } from './citus-keys.state.js';

const DEFAULT_NAME = 'default';
const pendingNames = new Set<string>();
const pendingDataSources = new WeakSet<DataSource>();

/** @nestjs/typeorm passes its `name` through to TypeORM's options at run time. */
const nameOf = (dataSource: DataSource) => (dataSource.options as { name?: string }).name ?? DEFAULT_NAME;

function applyDeclared(dataSource: DataSource): void {
  const name = nameOf(dataSource);
  if (!pendingDataSources.has(dataSource) && !pendingNames.has(name)) return;
  // One-shot, like the schema strategy's declaration: it belongs to the next
  // DataSource of that name that is built.
  pendingNames.delete(name);
  pendingDataSources.delete(dataSource);
  applyCitusKeys(dataSource);
}

/**
 * Declared from TenancyModule.forRoot({ citus: true }), before TypeOrmModule
 * builds the DataSource: its start-up synchronize must create the tables with
 * the tenant column in their keys.
 */
export function declareCitusKeys(dataSourceName: string | undefined): void {
  installTenancyPatches();
  pendingNames.add(dataSourceName ?? DEFAULT_NAME);
  onMetadataBuilt(applyDeclared);
}

/**
 * For a DataSource built outside TenancyModule.forRoot (forRootAsync's
 * dataSourceFactory, scripts, tests): call it before `initialize()`.
 */
export function enableCitusKeys(dataSource: DataSource): DataSource {
  if (dataSource.isInitialized && !hasCitusKeys(dataSource)) {
    throw new TenancyConfigurationError(
      'citus',
      'was enabled after the DataSource was initialized, so its tables were built with single-column keys. Call enableCitusKeys(dataSource) before dataSource.initialize().',
    );
  }
  installTenancyPatches();
  pendingDataSources.add(dataSource);
  onMetadataBuilt(applyDeclared);
  return dataSource;
}

/** Start-up check of TenancyModule({ citus: true }): the DataSource must already have Citus keys. */
export function assertCitusKeys(dataSource: DataSource): void {
  // No scoped entity, no key to change (TypeORM's hook only runs for scoped ones).
  if (hasCitusKeys(dataSource) || !hasTenantScopedEntities(dataSource)) return;
  throw new TenancyConfigurationError(
    'citus',
    `is set, but this DataSource was built with single-column keys (TenancyModule.forRootAsync resolves options after TypeORM built it). Use TenancyModule.forRoot({ citus: true }), or build the DataSource with TypeOrmModule's dataSourceFactory: (o) => enableCitusKeys(new DataSource(o)).initialize().`,
  );
}
