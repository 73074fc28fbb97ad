import { DataSource, type DataSourceOptions } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enableSchemaTenancy, runWithTenant, SchemaTenancyManager } from 'nestjs-tenancy';
import { CATALOG_ENTITIES, Product } from '../support/catalog.entities.js';
import { DIALECTS } from '../support/dialects.js';
import { superuserQuery, tablesIn as tablesInSchema } from '../support/postgres.js';
import { openSchemaCatalog, type SchemaCatalog } from '../support/schema-catalog.js';
import { Folder } from './support/folder-tree.js';

/**
 * Attacks on the schema strategy (PostgreSQL only): a schema that merely
 * looks like a tenant's, and a closure-table tree whose pairs must stay in
 * the tenant's schema.
 */
const postgres = DIALECTS.find((dialect) => dialect.name === 'postgres')!;
const CONFIG = { prefix: 'tenant_', sharedSchema: 'public' };
/** Made by hand (a DBA's backup), named like tenant "x-archive"'s schema. */
const HAND_MADE = 'tenant_x-archive';

describe('schema strategy attacks (postgres)', () => {
  let ds: DataSource;
  let manager: SchemaTenancyManager;
  let database: string;
  let catalog: SchemaCatalog;

  beforeAll(async () => {
    catalog = await openSchemaCatalog(CONFIG, { entities: [...CATALOG_ENTITIES, Folder] });
    ({ ds, manager, database } = catalog);
    await manager.createTenantSchema('a');
    await manager.createTenantSchema('b');
    await runWithTenant('a', () => ds.getRepository(Product).save({ name: 'A1', sku: 'S-1' }));
    await superuserQuery(database, `CREATE SCHEMA "${HAND_MADE}"`);
    await superuserQuery(database, `CREATE TABLE "${HAND_MADE}".ledger_backup (id int, amount int)`);
    await superuserQuery(database, `INSERT INTO "${HAND_MADE}".ledger_backup VALUES (1, 100)`);
  });
  afterAll(() => catalog?.close());

  const tablesIn = (schema: string) => tablesInSchema(database, schema);
  const backupRows = () => superuserQuery(database, `SELECT id, amount FROM "${HAND_MADE}".ledger_backup`);

  it('[schema-mark] a hand-made schema starting with the prefix is not listed as a tenant', async () => {
    expect(await manager.listTenantSchemas()).toEqual(['a', 'b']);
  });

  it('[schema-mark] it does not exist as a tenant, and tenantContext refuses to enter it', async () => {
    expect(await manager.tenantExists('x-archive')).toBe(false);
    let ran = false;
    await expect(manager.tenantContext('x-archive', async () => (ran = true))).rejects.toMatchObject({ code: 'TENANT_UNKNOWN' });
    expect(ran).toBe(false);
  });

  it('[schema-mark] migrateAll does not create tenant tables inside it', async () => {
    await manager.migrateAll();
    expect(await tablesIn(HAND_MADE)).toEqual(['ledger_backup']);
  });

  it('[schema-mark] createTenantSchema for the id it seems to belong to is refused, and writes nothing into it', async () => {
    await expect(manager.createTenantSchema('x-archive')).rejects.toMatchObject({
      code: 'TENANT_SCHEMA_UNMARKED',
      message: expect.stringMatching(/not created by nestjs-tenancy.*adoptTenantSchema\(\)/),
    });
    expect(await tablesIn(HAND_MADE)).toEqual(['ledger_backup']);
  });

  it('[schema-mark] dropTenantSchema for that id is refused: the backup survives', async () => {
    await expect(manager.dropTenantSchema('x-archive')).rejects.toMatchObject({ code: 'TENANT_SCHEMA_UNMARKED' });
    expect(await backupRows()).toEqual([{ id: 1, amount: 100 }]);
  });

  it('enableSchemaTenancy before initialize() is refused: the strategy is never silently off for tables built later', async () => {
    const connection = await postgres.connection();
    const early = new DataSource({ ...connection.options, entities: CATALOG_ENTITIES } as DataSourceOptions);
    try {
      expect(() => enableSchemaTenancy(early, CONFIG)).toThrow(/needs an initialized DataSource/);
      await early.initialize();
      enableSchemaTenancy(early, CONFIG);
      // A fresh database with no tenant schema yet: the statement names the tenant's schema, which is the point.
      await expect(runWithTenant('a', () => early.getRepository(Product).count())).rejects.toThrow(
        /relation "tenant_a.products" does not exist/,
      );
    } finally {
      if (early.isInitialized) await early.destroy();
      await connection.dispose();
    }
  });

  it('[regression] adoptTenantSchema marks an older, unmarked schema on purpose', async () => {
    await superuserQuery(database, `CREATE SCHEMA tenant_legacy`);
    expect(await manager.listTenantSchemas()).toEqual(['a', 'b']);
    await manager.adoptTenantSchema('legacy');
    expect(await manager.listTenantSchemas()).toEqual(['a', 'b', 'legacy']);
  });
});

/**
 * A closure-table tree on a scoped entity, on a DataSource of its own. The
 * setup runs inside the cases: were the closure table mapped wrongly, start-up
 * itself may fail, and that must fail the cases rather than skip them.
 */
describe('schema strategy attacks: closure-table trees (postgres)', () => {
  let opened:
    | Promise<{ ds: DataSource; database: string; dispose: () => Promise<void>; tablesIn: (schema: string) => Promise<string[]> }>
    | undefined;
  const open = () =>
    (opened ??= (async () => {
      const connection = await postgres.connection();
      const database = new URL((connection.options as { url: string }).url).pathname.slice(1);
      const ds = await new DataSource({
        ...connection.options,
        poolSize: 3,
        entities: [...CATALOG_ENTITIES, Folder],
      } as DataSourceOptions).initialize();
      const dispose = async () => {
        await ds.destroy();
        await connection.dispose();
      };
      enableSchemaTenancy(ds, CONFIG);
      await ds.synchronize();
      const manager = new SchemaTenancyManager(ds, CONFIG);
      await manager.createTenantSchema('a');
      await manager.createTenantSchema('b');
      const tablesIn = (schema: string) => tablesInSchema(database, schema);
      return { ds, database, dispose, tablesIn };
    })());
  afterAll(async () => (await opened?.catch(() => undefined))?.dispose());

  it("[closure-schema] a scoped closure tree keeps its closure table in each tenant's schema, not the shared one", async () => {
    const tree = await open();
    expect(await tree.tablesIn('tenant_a')).toContain('folders_closure');
    expect(await tree.tablesIn('tenant_b')).toContain('folders_closure');
    expect(await tree.tablesIn('public')).not.toContain('folders_closure');
  });

  it("[closure-schema] tenant b's tree holds none of tenant a's ancestor/descendant pairs", async () => {
    const tree = await open();
    const trees = tree.ds.getTreeRepository(Folder);
    await runWithTenant('a', async () => {
      const root = await trees.save(trees.create({ name: 'a-root' }));
      await trees.save(trees.create({ name: 'a-child', parent: root }));
    });
    const b = await runWithTenant('b', async () => {
      await trees.save(trees.create({ name: 'b-root' }));
      return {
        trees: await trees.findTrees(),
        pairs: await trees.manager.query('SELECT count(*)::int AS n FROM tenant_b.folders_closure'),
      };
    });
    expect(b.trees).toMatchObject([{ name: 'b-root', children: [] }]);
    expect(b.pairs).toEqual([{ n: 1 }]);
    const aPairs = await superuserQuery(tree.database, `SELECT count(*)::int AS n FROM tenant_a.folders_closure`);
    expect(aPairs).toEqual([{ n: 3 }]);
  });
});
