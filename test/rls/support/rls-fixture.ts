import { DataSource, type DataSourceOptions } from 'typeorm';
import { installTenantRls, runWithTenant } from 'nestjs-tenancy';
import { CATALOG_ENTITIES, Note, Product } from '../../support/catalog.entities.js';
import { StatementCounter } from '../../support/dialects.js';
import { createRlsDatabase, type RlsDatabase } from './rls-database.js';

type Entities = NonNullable<DataSourceOptions['entities']>;

export interface RlsFixture {
  db: RlsDatabase;
  /** The owner role's DataSource (ran synchronize with rls: true). */
  owner: DataSource;
  /** The ordinary app role's DataSource, rls: true, small pool. */
  app: DataSource;
  statements: StatementCounter;
  /** Another app-role DataSource on the same database (closed with the fixture). */
  openApp(entities: Entities, extra?: Partial<DataSourceOptions>): Promise<DataSource>;
  close(): Promise<void>;
}

export async function openDataSource(
  url: string,
  entities: Entities,
  extra: Partial<DataSourceOptions> = {},
  rls = true,
): Promise<DataSource> {
  const dataSource = new DataSource({ type: 'postgres', url, entities, poolSize: 3, ...extra } as DataSourceOptions);
  if (rls) await installTenantRls(dataSource);
  await dataSource.initialize();
  return dataSource;
}

/**
 * The setup of every RLS suite: the owner synchronizes the schema with
 * `rls: true` (so the policies exist), then the app connects as the ordinary
 * role with `rls: true`, as an application would in production.
 */
export async function openRlsFixture(appExtra: Partial<DataSourceOptions> = {}): Promise<RlsFixture> {
  const db = await createRlsDatabase();
  const opened: DataSource[] = [];
  const owner = await openDataSource(db.owner.url, CATALOG_ENTITIES, { synchronize: true, poolSize: 1 });
  opened.push(owner);
  const statements = new StatementCounter();
  const openApp = async (entities: Entities, extra: Partial<DataSourceOptions> = {}) => {
    const dataSource = await openDataSource(db.app.url, entities, extra);
    opened.push(dataSource);
    return dataSource;
  };
  const app = await openApp(CATALOG_ENTITIES, { logging: ['query'], logger: statements, ...appExtra });
  return {
    db,
    owner,
    app,
    statements,
    openApp,
    async close() {
      for (const dataSource of opened) if (dataSource.isInitialized) await dataSource.destroy();
      await db.drop();
    },
  };
}

/** Tenant a: 3 products and a note; tenant b: 2 products and a note. Written through the ORM as the app role. */
export async function seedCatalog(app: DataSource): Promise<void> {
  const products = app.getRepository(Product);
  const notes = app.getRepository(Note);
  await runWithTenant('a', async () => {
    await products.insert([1, 2, 3].map((n) => ({ name: `A${n}`, sku: `SKU-${n}`, price: n })));
    await notes.insert({ text: 'note of a' });
  });
  await runWithTenant('b', async () => {
    await products.insert([1, 2].map((n) => ({ name: `B${n}`, sku: `SKU-${n}`, price: n })));
    await notes.insert({ text: 'note of b' });
  });
}

/** The distinct tenant ids a raw SELECT on `table` returns in the current context. */
export async function tenantsSeen(dataSource: DataSource, table = 'products', column = 'tenant_id'): Promise<string[]> {
  const rows: Array<{ tenant: string }> = await dataSource.query(`SELECT DISTINCT "${column}" AS tenant FROM "${table}" ORDER BY 1`);
  return rows.map((row) => row.tenant);
}

/** The tenant settings of the session, as the policies see them. */
export async function sessionSettings(dataSource: DataSource): Promise<{ tenant: string | null; bypass: string | null; pid: number }> {
  const [row] = await dataSource.query(
    `SELECT current_setting('app.tenant_id', true) AS tenant, current_setting('app.tenant_bypass', true) AS bypass, pg_backend_pid() AS pid`,
  );
  return row;
}
