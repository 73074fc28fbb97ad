import type { DataSource } from 'typeorm';
import { TenancyConfigurationError } from '../errors/tenancy-configuration.error.js';
import { preflightDataSource } from '../typeorm/data-source.preflight.js';
import { installTenancyPatches } from '../typeorm/install-tenancy-patches.js';
import { tablesBeforeStartupSync } from '../typeorm/startup-sync.record.js';
import { applySchemaStrategy, livesInTenantSchema } from './apply-schema-strategy.js';
import { patchSchemaBuilder } from './schema-builder.patch.js';
import { assertSchemaNaming } from './tenant-schema-name.js';
import { schemaStrategyOf, type SchemaStrategyConfig } from './schema-strategy.registry.js';

function assertPostgres(dataSource: DataSource): void {
  if (dataSource.driver.options.type !== 'postgres') {
    throw new TenancyConfigurationError(
      'strategy',
      `'schema' needs PostgreSQL; this DataSource is '${dataSource.driver.options.type}'. Use strategy: 'row'.`,
    );
  }
}

/** TypeORM's start-up synchronize ran before the strategy was bound: the tenant tables went to the shared schema. */
const syncedWithoutStrategy = (dataSource: DataSource) =>
  !schemaStrategyOf(dataSource) && dataSource.isInitialized && Boolean(dataSource.options.synchronize);

function install(dataSource: DataSource, config: SchemaStrategyConfig): void {
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

/** For a DataSource that already exists and was not synchronized at start-up (scripts and the CLI). */
export function enableSchemaTenancy(dataSource: DataSource, config: SchemaStrategyConfig): void {
  assertPostgres(dataSource);
  assertSchemaNaming(config);
  if (syncedWithoutStrategy(dataSource)) {
    // Its startup synchronize already ran without the strategy and put the
    // tenant tables in the shared schema; going on would hide that.
    throw new TenancyConfigurationError(
      'strategy',
      `'schema' was enabled after TypeORM synchronized this DataSource at start-up, so tenant tables were created in the shared schema. Set TypeORM synchronize: false and call dataSource.synchronize() after enableSchemaTenancy, or use TenancyModule, which takes such tables back.`,
    );
  }
  install(dataSource, config);
}

/**
 * TenancyModule's way in, the same for forRoot and forRootAsync: the module
 * binds at onModuleInit, after TypeOrmModule initialized the DataSource, so a
 * start-up `synchronize: true` has already created the tenant tables in the
 * shared schema. The ones that synchronize created (recorded just before it
 * ran) and that are still empty are dropped, then the strategy is applied; a
 * tenant table that existed before or holds rows is never touched, the start
 * is refused instead.
 */
export async function bindSchemaTenancy(dataSource: DataSource, config: SchemaStrategyConfig): Promise<void> {
  assertPostgres(dataSource);
  assertSchemaNaming(config);
  const resync = syncedWithoutStrategy(dataSource);
  if (resync) await takeBackStartupTables(dataSource, config);
  install(dataSource, config);
  // Without a tenant the schema builder manages the shared tables only (schema-builder.patch): puts back any taken from another schema.
  if (resync) await dataSource.synchronize();
}

/** The tables the start-up synchronize created in the wrong place: every tenant table, and shared ones outside sharedSchema. */
async function takeBackStartupTables(dataSource: DataSource, config: SchemaStrategyConfig): Promise<void> {
  const before = tablesBeforeStartupSync(dataSource);
  if (!before) {
    throw new TenancyConfigurationError(
      'strategy',
      `'schema': TypeORM synchronized this DataSource at start-up before nestjs-tenancy could record its tables, so tenant tables may sit in the shared schema. Set TypeORM synchronize: false and call dataSource.synchronize() after start-up.`,
    );
  }
  const created = [...before]
    .filter(([metadata, table]) => !table.existed && (livesInTenantSchema(metadata) || table.schema !== config.sharedSchema))
    .map(([, table]) => table);
  if (created.length === 0) return;
  const q = (name: string) => dataSource.driver.escape(name);
  // Entities of one table inheritance share their table.
  const paths = [...new Set(created.map((table) => `${q(table.schema)}.${q(table.table)}`))];
  await dataSource.transaction(async (manager) => {
    // Taken back in one statement under an exclusive lock, after checking in the same transaction that no row arrived.
    await manager.query(`LOCK TABLE ${paths.join(', ')} IN ACCESS EXCLUSIVE MODE`);
    for (const path of paths) {
      const [{ used }] = (await manager.query(`SELECT EXISTS (SELECT 1 FROM ${path}) AS used`)) as Array<{ used: boolean }>;
      if (used) {
        throw new TenancyConfigurationError(
          'strategy',
          `'schema': table ${path}, created by TypeORM's start-up synchronize before the schema strategy was bound, already holds rows; it was left in place. Move the rows into tenant schemas and drop it, or set TypeORM synchronize: false.`,
        );
      }
    }
    await manager.query(`DROP TABLE ${paths.join(', ')}`);
  });
}
