import type { DataSource } from 'typeorm';
import { TenancyConfigurationError } from '../errors/tenancy-configuration.error.js';
import { preflightDataSource } from '../typeorm/data-source.preflight.js';
import { installTenancyPatches, onMetadataBuilt } from '../typeorm/install-tenancy-patches.js';
import { applySchemaStrategy } from './apply-schema-strategy.js';
import { patchSchemaBuilder } from './schema-builder.patch.js';
import { assertSchemaNaming } from './tenant-schema-name.js';
import {
  declareSchemaStrategy,
  schemaStrategyOf,
  takePendingSchemaStrategy,
  type SchemaStrategyConfig,
} from './schema-strategy.registry.js';

const DEFAULT_NAME = 'default';

/** @nestjs/typeorm passes its `name` through to TypeORM's options at run time. */
const nameOf = (dataSource: DataSource) => (dataSource.options as { name?: string }).name ?? DEFAULT_NAME;

function assertPostgres(dataSource: DataSource): void {
  if (dataSource.driver.options.type !== 'postgres') {
    throw new TenancyConfigurationError(
      'strategy',
      `'schema' needs PostgreSQL; this DataSource is '${dataSource.driver.options.type}'. Use strategy: 'row'.`,
    );
  }
}

function applyDeclared(dataSource: DataSource): void {
  const config = takePendingSchemaStrategy(nameOf(dataSource));
  if (!config) return;
  assertPostgres(dataSource);
  applySchemaStrategy(dataSource, config);
}

/**
 * Declared from TenancyModule.forRoot, before TypeOrmModule builds the
 * DataSource: its startup synchronize must already keep tenant tables out of
 * the shared schema.
 */
export function declareSchemaTenancy(dataSourceName: string | undefined, config: SchemaStrategyConfig): void {
  installTenancyPatches();
  patchSchemaBuilder();
  declareSchemaStrategy(dataSourceName ?? DEFAULT_NAME, config);
  onMetadataBuilt(applyDeclared);
}

/** For a DataSource that already exists (forRootAsync, scripts and the CLI). */
export function enableSchemaTenancy(dataSource: DataSource, config: SchemaStrategyConfig): void {
  assertPostgres(dataSource);
  assertSchemaNaming(config);
  if (!schemaStrategyOf(dataSource) && dataSource.isInitialized && dataSource.options.synchronize) {
    // Its startup synchronize already ran without the strategy and put the
    // tenant tables in the shared schema; going on would hide that.
    throw new TenancyConfigurationError(
      'strategy',
      `'schema' was configured after TypeORM synchronized this DataSource at start-up (TenancyModule.forRootAsync), so tenant tables were created in the shared schema. Use TenancyModule.forRoot({ strategy: 'schema' }), or set TypeORM synchronize: false and call dataSource.synchronize() after start-up.`,
    );
  }
  installTenancyPatches();
  patchSchemaBuilder();
  preflightDataSource(dataSource, { schema: true });
  if (!dataSource.isInitialized) {
    // Its entity metadata does not exist yet: there would be nothing to move into tenant schemas, and
    // initialize() would then build every tenant table in the shared schema, as if the strategy were on.
    throw new TenancyConfigurationError(
      'strategy',
      `enableSchemaTenancy() needs an initialized DataSource (its entity metadata is built by initialize()). Call it after dataSource.initialize(), or use TenancyModule.forRoot({ strategy: 'schema' }).`,
    );
  }
  applySchemaStrategy(dataSource, config);
}
