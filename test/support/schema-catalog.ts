import { DataSource, type DataSourceOptions } from 'typeorm';
import { enableSchemaTenancy, SchemaTenancyManager } from 'nestjs-tenancy';
import { CATALOG_ENTITIES } from './catalog.entities.js';
import { DIALECTS } from './dialects.js';

/** The schema strategy is PostgreSQL-only: its suites run on the PostgreSQL dialect. */
export const postgresDialect = DIALECTS.find((dialect) => dialect.name === 'postgres')!;

export interface SchemaCatalog {
  ds: DataSource;
  manager: SchemaTenancyManager;
  /** The suite's own database, for superuserQuery assertions. */
  database: string;
  close(): Promise<void>;
}

/**
 * The catalog entities on a fresh PostgreSQL database under the schema
 * strategy: shared tables synchronized, tenant schemas provisioned by the
 * suite through `manager`.
 */
export async function openSchemaCatalog(
  config: { prefix: string; sharedSchema: string },
  options: Partial<DataSourceOptions> = {},
): Promise<SchemaCatalog> {
  const connection = await postgresDialect.connection();
  const database = new URL((connection.options as { url: string }).url).pathname.slice(1);
  const ds = await new DataSource({
    ...connection.options,
    poolSize: 3,
    entities: CATALOG_ENTITIES,
    ...options,
  } as DataSourceOptions).initialize();
  enableSchemaTenancy(ds, config);
  await ds.synchronize();
  return {
    ds,
    manager: new SchemaTenancyManager(ds, config),
    database,
    async close() {
      await ds.destroy();
      await connection.dispose();
    },
  };
}
