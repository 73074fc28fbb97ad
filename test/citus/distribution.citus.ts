import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import {
  bypassTenantFilter,
  citusStatus,
  distributeTenantTables,
  enableCitusKeys,
  formatCitusStatus,
  runWithTenant,
  TenancyConfigurationError,
} from 'nestjs-tenancy';
import { CATALOG_ENTITIES, Product } from '../support/catalog.entities.js';
import { DIALECTS, type TestDataSource } from '../support/dialects.js';
import { postgresUrl } from '../support/postgres.js';

const postgres = DIALECTS.find((dialect) => dialect.name === 'postgres')!;

describe('distributeTenantTables and citusStatus (citus)', () => {
  let db: TestDataSource;
  let ds: DataSource;

  beforeAll(async () => {
    db = await postgres.open(CATALOG_ENTITIES);
    ds = db.dataSource;
  });
  afterAll(() => db.close());

  const distribute = async () => {
    const queryRunner = ds.createQueryRunner();
    try {
      return await distributeTenantTables(queryRunner);
    } finally {
      await queryRunner.release();
    }
  };

  it('distributes every tenant table by its tenant column, co-located, and references shared ones', async () => {
    const status = await citusStatus(ds);
    const byTable = Object.fromEntries(status.tables.map((table) => [table.table, table]));
    expect(Object.keys(byTable).sort()).toEqual(['categories', 'notes', 'product_tags', 'products', 'reviews', 'tags']);
    expect(byTable.products).toMatchObject({ type: 'distributed', distributionColumn: 'tenant_id', shardCount: 32 });
    expect(byTable.notes).toMatchObject({ type: 'distributed', distributionColumn: 'org_id' });
    expect(byTable.product_tags).toMatchObject({ type: 'distributed', distributionColumn: 'tenant_id' });
    expect(byTable.categories).toMatchObject({ type: 'reference', distributionColumn: undefined });
    const groups = new Set(['products', 'reviews', 'tags', 'notes', 'product_tags'].map((table) => byTable[table].colocationId));
    expect(groups.size).toBe(1);
    expect(status.pending).toEqual([]);
  });
  it('reports the nodes and where the shards are', async () => {
    const status = await citusStatus(ds);
    expect(status.nodes.map((node) => node.role)).toEqual(['coordinator', 'worker', 'worker']);
    const workers = status.nodes.filter((node) => node.role === 'worker');
    expect(workers.every((node) => node.shards > 0)).toBe(true);
    expect(Object.keys((await citusStatus(ds)).tables.find((table) => table.table === 'products')!.placements)).toHaveLength(2);
    expect(formatCitusStatus(status)).toMatch(/products: distributed by tenant_id, colocation \d+, 32 shards {2}127\.0\.0\.1:\d+×16/);
  });
  it('is idempotent: a second run changes nothing', async () => {
    const again = await distribute();
    expect(again.created).toEqual([]);
    expect(again.unchanged.map((table) => table.table)).toContain('"products"');
  });
  it('refuses a DataSource without Citus keys', async () => {
    const plain = new DataSource({ type: 'postgres', url: postgresUrl(db.database), entities: CATALOG_ENTITIES });
    await plain.initialize();
    const queryRunner = plain.createQueryRunner();
    try {
      await expect(distributeTenantTables(queryRunner)).rejects.toThrow(TenancyConfigurationError);
      await expect(distributeTenantTables(queryRunner)).rejects.toThrow(/enableCitusKeys/);
    } finally {
      await queryRunner.release();
      await plain.destroy();
    }
  });
  it('a bulk save across tenants under a bypass gives every entity its own row id', async () => {
    const saved = await bypassTenantFilter(() =>
      ds
        .getRepository(Product)
        .save(['a', 'b', 'c', 'd', 'e', 'f'].map((tenantId) => ({ tenantId, name: `bulk-${tenantId}`, sku: 'BULK' }))),
    );
    for (const product of saved) {
      const row = await runWithTenant(product.tenantId, () => ds.getRepository(Product).findOneByOrFail({ id: product.id }));
      expect(row.name).toBe(`bulk-${product.tenantId}`);
    }
  });
});

describe('without the Citus extension (citus)', () => {
  it('distributeTenantTables fails with a configuration error naming the fix', async () => {
    // A plain database on the coordinator: no CREATE EXTENSION citus in it.
    const admin = new DataSource({ type: 'postgres', url: postgresUrl() });
    await admin.initialize();
    const name = `tenancy_plain_${process.pid}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const plain = enableCitusKeys(
      new DataSource({ type: 'postgres', url: postgresUrl(name), entities: CATALOG_ENTITIES, synchronize: true }),
    );
    try {
      await plain.initialize();
      const queryRunner = plain.createQueryRunner();
      try {
        await expect(distributeTenantTables(queryRunner)).rejects.toThrow(
          /needs the Citus extension, which database "tenancy_plain_\d+" does not have/,
        );
        await expect(citusStatus(plain)).rejects.toThrow(TenancyConfigurationError);
      } finally {
        await queryRunner.release();
      }
    } finally {
      if (plain.isInitialized) await plain.destroy();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    }
  });
});
