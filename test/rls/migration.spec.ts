import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  bypassTenantRls,
  disableTenantRls,
  enableTenantRls,
  generateTenantRlsMigration,
  installTenantRls,
  runWithTenant,
  tenantRlsStatements,
  tenantRlsTables,
} from 'nestjs-tenancy';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { CATALOG_ENTITIES } from '../support/catalog.entities.js';
import { sqliteOptions } from '../support/dialects.js';
import { createRlsDatabase, type RlsDatabase } from './support/rls-database.js';
import { openDataSource, seedCatalog, tenantsSeen } from './support/rls-fixture.js';
import { loadGeneratedMigration } from './support/load-generated-migration.js';

class ProductsRls1700000000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner) {
    await enableTenantRls(queryRunner, { table: 'products' });
    await enableTenantRls(queryRunner, { table: 'notes', column: 'org_id' });
  }
  async down(queryRunner: QueryRunner) {
    await disableTenantRls(queryRunner, { table: 'notes', column: 'org_id' });
    await disableTenantRls(queryRunner, { table: 'products' });
  }
}

/** FORCE holds the owner too: a data migration opens the rows for its own transaction only. */
class RepriceAll1700000000002 implements MigrationInterface {
  async up(queryRunner: QueryRunner) {
    await bypassTenantRls(queryRunner);
    await queryRunner.query('UPDATE products SET price = price + 100');
  }
  async down() {}
}

/** The committed-migration path: no synchronize, the owner runs migrations, the app role is confined. */
describe('RLS: migrations', () => {
  let db: RlsDatabase;
  let owner: DataSource;
  let app: DataSource;
  beforeAll(async () => {
    db = await createRlsDatabase();
    // The tables exist, created without policies (as an app adopting RLS late would have them).
    owner = await openDataSource(db.owner.url, CATALOG_ENTITIES, { synchronize: true, poolSize: 1 }, false);
    app = await openDataSource(db.app.url, CATALOG_ENTITIES);
  });
  afterAll(async () => {
    await app?.destroy();
    await owner?.destroy();
    await db?.drop();
  });
  beforeEach(async () => {
    await db.superuser('TRUNCATE products, notes RESTART IDENTITY CASCADE');
    for (const table of tenantRlsTables(owner)) {
      const runner = owner.createQueryRunner();
      await disableTenantRls(runner, table).finally(() => runner.release());
    }
    await db.superuser('DELETE FROM migrations').catch(() => undefined);
    await seedCatalog(app);
  });

  const withMigrations = async (migrations: Array<new () => MigrationInterface>, fn: (ds: DataSource) => Promise<void>, rls = false) => {
    const runner = await openDataSource(db.owner.url, CATALOG_ENTITIES, { migrations, poolSize: 1 }, rls);
    try {
      await fn(runner);
    } finally {
      await runner.destroy();
    }
  };

  it('enableTenantRls in up() confines the app role; down() removes the policies again', async () => {
    expect(await runWithTenant('a', () => tenantsSeen(app))).toEqual(['a', 'b']); // no policies yet: the ORM alone
    await withMigrations([ProductsRls1700000000001], async (migrator) => {
      await migrator.runMigrations();
      expect(await runWithTenant('a', () => tenantsSeen(app))).toEqual(['a']);
      expect(await runWithTenant('b', () => tenantsSeen(app, 'notes', 'org_id'))).toEqual(['b']);
      expect(await tenantsSeen(app)).toEqual([]);
      await migrator.undoLastMigration();
      expect(await runWithTenant('a', () => tenantsSeen(app))).toEqual(['a', 'b']);
    });
  });

  it('the generated migration compiles, protects every scoped table and reverts', async () => {
    const source = generateTenantRlsMigration(owner, { timestamp: 1700000000003 });
    const expected = tenantRlsTables(owner).flatMap((table) => tenantRlsStatements(table).up);
    for (const statement of expected) expect(source).toContain(JSON.stringify(statement));
    const Generated = await loadGeneratedMigration(source);
    await withMigrations([Generated], async (migrator) => {
      await migrator.runMigrations();
      for (const table of ['products', 'reviews', 'tags'])
        expect(await runWithTenant('a', () => tenantsSeen(app, table))).not.toContain('b');
      expect(await runWithTenant('a', () => tenantsSeen(app))).toEqual(['a']);
      expect(await runWithTenant('a', () => tenantsSeen(app, 'notes', 'org_id'))).toEqual(['a']);
      await migrator.undoLastMigration();
      expect(await runWithTenant('a', () => tenantsSeen(app))).toEqual(['a', 'b']);
    });
  });

  it('bypassTenantRls lets a data migration reach every tenant despite FORCE, for its transaction only', async () => {
    await withMigrations([ProductsRls1700000000001, RepriceAll1700000000002], async (migrator) => {
      await migrator.runMigrations();
      const prices = await db.superuser<{ price: number }>('SELECT price FROM products ORDER BY id');
      expect(prices.map((row) => row.price)).toEqual([101, 102, 103, 101, 102]);
      expect(await tenantsSeen(migrator)).toEqual([]); // the owner's next statement is held again
    });
  });

  it('bypassTenantRls holds for the whole migration on a DataSource with rls installed too', async () => {
    // There every statement with no tenant clears the setting inside a transaction block; the migration's bypass must survive that.
    await withMigrations(
      [ProductsRls1700000000001, RepriceAll1700000000002],
      async (migrator) => {
        await migrator.runMigrations();
        const prices = await db.superuser<{ price: number }>('SELECT price FROM products ORDER BY id');
        expect(prices.map((row) => row.price)).toEqual([101, 102, 103, 101, 102]);
        expect(await tenantsSeen(migrator)).toEqual([]);
        // The next transaction on the same (single) connection is held again.
        expect(await migrator.transaction((m) => m.query('SELECT tenant_id FROM products'))).toEqual([]);
      },
      true,
    );
  });

  it('bypassTenantRls outside a transaction is refused (the bypass would not outlive its statement)', async () => {
    const runner = owner.createQueryRunner();
    try {
      await expect(bypassTenantRls(runner)).rejects.toMatchObject({ code: 'TENANT_RLS_NO_TRANSACTION' });
    } finally {
      await runner.release();
    }
  });
});

describe('RLS: statements and configuration', () => {
  it('a hostile table or column name is quoted, never spliced into the DDL', () => {
    const { up } = tenantRlsStatements({ table: 'x"; DROP TABLE products; --', column: 'org"id' });
    expect(up[0]).toBe(`ALTER TABLE "x""; DROP TABLE products; --" ENABLE ROW LEVEL SECURITY`);
    expect(up.at(-1)).toContain(`"org""id" = (SELECT NULLIF(`);
    expect(() => tenantRlsStatements({ table: '' })).toThrow(expect.objectContaining({ code: 'TENANT_RLS_INVALID_IDENTIFIER' }));
  });

  it('schema-qualified tables are quoted per part', () => {
    expect(tenantRlsStatements({ schema: 'billing', table: 'invoices' }).up[0]).toBe(
      'ALTER TABLE "billing"."invoices" ENABLE ROW LEVEL SECURITY',
    );
  });

  it('rls on a database without Row-Level Security is a start-up error', async () => {
    const sqlite = new DataSource({ ...sqliteOptions(), entities: CATALOG_ENTITIES });
    await expect(installTenantRls(sqlite)).rejects.toMatchObject({ code: 'TENANCY_CONFIGURATION' });
  });
});
