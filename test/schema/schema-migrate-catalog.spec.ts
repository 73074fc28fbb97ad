import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchemaTenancyManager } from 'nestjs-tenancy';
import { superuserQuery } from '../support/postgres.js';
import { openSchemaCatalog, type SchemaCatalog } from '../support/schema-catalog.js';

const CONFIG = { prefix: 'tenant_', sharedSchema: 'public' };

/**
 * migrateAll compares every tenant schema's catalog with an up-to-date one in
 * one query and skips the TypeORM diff where they match. A schema that differs
 * in anything the diff reads must still be migrated: each drift below is put
 * into its own tenant, and one migrateAll must repair every one of them.
 */
describe('migrateAll skips only schemas whose catalog matches an up-to-date schema (postgres)', () => {
  let manager: SchemaTenancyManager;
  let database: string;
  const TENANTS = ['a_ref', 'clean1', 'clean2', 'nocol', 'noidx', 'retyped', 'nodefault', 'nofk', 'nullable', 'notable', 'extra'];

  const columnInfo = async (schema: string, table: string, column: string) =>
    (
      await superuserQuery(
        database,
        `SELECT data_type, character_maximum_length AS length, column_default, is_nullable FROM information_schema.columns
         WHERE table_schema = $1 AND table_name = $2 AND column_name = $3`,
        [schema, table, column],
      )
    )[0];
  const indexCount = async (schema: string, table: string) =>
    Number(
      (await superuserQuery(database, `SELECT count(*) AS n FROM pg_indexes WHERE schemaname = $1 AND tablename = $2`, [schema, table]))[0]
        .n,
    );
  const foreignKeys = async (schema: string, table: string) =>
    Number(
      (
        await superuserQuery(
          database,
          `SELECT count(*) AS n FROM information_schema.table_constraints WHERE table_schema = $1 AND table_name = $2 AND constraint_type = 'FOREIGN KEY'`,
          [schema, table],
        )
      )[0].n,
    );

  let catalog: SchemaCatalog;
  beforeAll(async () => {
    catalog = await openSchemaCatalog(CONFIG);
    ({ manager, database } = catalog);
    for (const tenant of TENANTS) await manager.createTenantSchema(tenant);
  });
  afterAll(() => catalog.close());

  it('a no-op migrate diffs one schema and matches every other in the catalog', async () => {
    const result = await manager.migrateAll({ concurrency: 2 });
    expect(result).toEqual({ migrated: TENANTS.length, unchanged: TENANTS.length - 1 });
  });

  it('every kind of drift is found and repaired in one migrateAll, and only the drifted schemas are diffed', async () => {
    const expected = {
      products: await indexCount('tenant_a_ref', 'products'),
      reviewsFks: await foreignKeys('tenant_a_ref', 'reviews'),
      sku: await columnInfo('tenant_a_ref', 'products', 'sku'),
      price: await columnInfo('tenant_a_ref', 'products', 'price'),
      name: await columnInfo('tenant_a_ref', 'products', 'name'),
    };
    const fk = (
      await superuserQuery(
        database,
        `SELECT constraint_name FROM information_schema.table_constraints WHERE table_schema = 'tenant_nofk' AND table_name = 'reviews' AND constraint_type = 'FOREIGN KEY'`,
      )
    )[0].constraint_name as string;
    const index = (
      await superuserQuery(
        database,
        `SELECT indexname FROM pg_indexes WHERE schemaname = 'tenant_noidx' AND tablename = 'products' AND indexdef LIKE '%UNIQUE%sku%'`,
      )
    )[0].indexname as string;
    await superuserQuery(
      database,
      `ALTER TABLE tenant_nocol.products DROP COLUMN stock;
       DROP INDEX tenant_noidx."${index}";
       ALTER TABLE tenant_retyped.products ALTER COLUMN sku TYPE varchar(64);
       ALTER TABLE tenant_nodefault.products ALTER COLUMN price DROP DEFAULT;
       ALTER TABLE tenant_nofk.reviews DROP CONSTRAINT "${fk}";
       ALTER TABLE tenant_nullable.products ALTER COLUMN name DROP NOT NULL;
       DROP TABLE tenant_notable.notes;
       ALTER TABLE tenant_extra.products ADD COLUMN legacy text;`,
    );

    const result = await manager.migrateAll({ concurrency: 3 });
    // a_ref (listed first) is diffed as the reference; clean1 and clean2 match it; the eight drifted schemas are diffed.
    expect(result).toEqual({ migrated: TENANTS.length, unchanged: 2 });

    expect(await columnInfo('tenant_nocol', 'products', 'stock')).toBeDefined();
    expect(await indexCount('tenant_noidx', 'products')).toBe(expected.products);
    expect(await columnInfo('tenant_retyped', 'products', 'sku')).toEqual(expected.sku);
    expect(await columnInfo('tenant_nodefault', 'products', 'price')).toEqual(expected.price);
    expect(await foreignKeys('tenant_nofk', 'reviews')).toBe(expected.reviewsFks);
    expect(await columnInfo('tenant_nullable', 'products', 'name')).toEqual(expected.name);
    expect(
      (await superuserQuery(database, `SELECT 1 FROM pg_tables WHERE schemaname = 'tenant_notable' AND tablename = 'notes'`)).length,
    ).toBe(1);
    expect(await columnInfo('tenant_extra', 'products', 'legacy')).toBeUndefined();

    // Repaired: the next run matches every schema again.
    expect(await manager.migrateAll()).toEqual({ migrated: TENANTS.length, unchanged: TENANTS.length - 1 });
  });

  it('a drifted reference schema is repaired first, and the others are compared with the repaired one', async () => {
    await superuserQuery(database, `ALTER TABLE tenant_a_ref.products DROP COLUMN stock`);
    expect(await manager.migrateAll()).toEqual({ migrated: TENANTS.length, unchanged: TENANTS.length - 1 });
    expect(await columnInfo('tenant_a_ref', 'products', 'stock')).toBeDefined();
  });

  it("a schema whose name appears inside another schema's catalog is not mistaken for it", async () => {
    // A foreign key into another tenant's table names that schema: it must not read as the schema's own table.
    await superuserQuery(
      database,
      `ALTER TABLE tenant_clean2.reviews DROP CONSTRAINT IF EXISTS cross_tenant_fk;
       ALTER TABLE tenant_clean2.reviews ADD CONSTRAINT cross_tenant_fk FOREIGN KEY ("productId") REFERENCES tenant_clean1.products (id)`,
    );
    const result = await manager.migrateAll();
    expect(result.unchanged).toBe(TENANTS.length - 2);
    await superuserQuery(database, `ALTER TABLE tenant_clean2.reviews DROP CONSTRAINT IF EXISTS cross_tenant_fk`);
  });
});
