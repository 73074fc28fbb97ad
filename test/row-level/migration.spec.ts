import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Column, DataSource, Entity, PrimaryGeneratedColumn, type DataSourceOptions } from 'typeorm';
import { afterEach, describe, expect, it } from 'vitest';
import { addTenantColumn, dropTenantColumn, runWithTenant, TenantScoped } from 'nestjs-tenancy';
import { DIALECTS, sqliteOptions, type TestDialect } from '../support/dialects.js';

@Entity('invoices')
class LegacyInvoice {
  @PrimaryGeneratedColumn() id: number;
  @Column() total: number;
}

@Entity('invoices')
@TenantScoped()
class Invoice {
  @PrimaryGeneratedColumn() id: number;
  @Column() total: number;
  declare tenantId: string;
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

/** Options of one database that two DataSources (before and after adoption) can share. */
async function sharedDatabase(dialect: TestDialect): Promise<DataSourceOptions> {
  if (dialect.name === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'tenancy-migration-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return sqliteOptions(join(dir, 'app.db'));
  }
  const { options, dispose } = await dialect.connection();
  cleanups.push(dispose);
  return options;
}

async function open(options: DataSourceOptions, entity: typeof LegacyInvoice | typeof Invoice, synchronize: boolean) {
  const dataSource = await new DataSource({ ...options, entities: [entity], synchronize } as DataSourceOptions).initialize();
  cleanups.push(() => dataSource.destroy());
  return dataSource;
}

describe.each(DIALECTS)('adopting tenancy in an existing app ($name)', (dialect) => {
  async function legacyDatabase() {
    const options = await sharedDatabase(dialect);
    const legacy = await open(options, LegacyInvoice, true);
    await legacy.getRepository(LegacyInvoice).insert([{ total: 1 }, { total: 2 }, { total: 3 }]);
    await legacy.destroy();
    cleanups.pop();
    return open(options, Invoice, false);
  }

  it('migration:generate picks up the tenant column and its index', async () => {
    const dataSource = await legacyDatabase();
    const pending = await dataSource.driver.createSchemaBuilder().log();
    const sql = pending.upQueries.map((query) => query.query).join('\n');
    expect(sql).toMatch(/tenant_id/);
    expect(sql).toMatch(/CREATE INDEX/);
  });

  it('addTenantColumn backfills one tenant, then NOT NULL and the index leave nothing to generate', async () => {
    const dataSource = await legacyDatabase();
    const runner = dataSource.createQueryRunner();
    await addTenantColumn(runner, { table: 'invoices', backfill: { tenantId: 'acme' } });
    await runner.release();
    expect((await dataSource.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
    expect(await runWithTenant('acme', () => dataSource.getRepository(Invoice).count())).toBe(3);
    await expect(dataSource.query(`INSERT INTO invoices (total) VALUES (4)`)).rejects.toThrow(/NOT NULL|null value/i);
  });

  it('addTenantColumn backfills from an SQL expression over the row, and dropTenantColumn undoes it', async () => {
    const dataSource = await legacyDatabase();
    const runner = dataSource.createQueryRunner();
    await addTenantColumn(runner, {
      table: 'invoices',
      backfill: { sql: `CASE WHEN total % 2 = 0 THEN 'even' ELSE 'odd' END` },
    });
    expect(await runWithTenant('odd', () => dataSource.getRepository(Invoice).count())).toBe(2);
    expect(await runWithTenant('even', () => dataSource.getRepository(Invoice).count())).toBe(1);
    await dropTenantColumn(runner, 'invoices');
    await runner.release();
    const table = await dataSource.createQueryRunner().getTable('invoices');
    expect(table?.columns.map((column) => column.name)).not.toContain('tenant_id');
  });

  it('addTenantColumn refuses an invalid backfill tenant before touching the table', async () => {
    const dataSource = await legacyDatabase();
    const runner = dataSource.createQueryRunner();
    await expect(addTenantColumn(runner, { table: 'invoices', backfill: { tenantId: "x'; --" } })).rejects.toMatchObject({
      code: 'TENANT_INVALID',
    });
    await runner.release();
    const table = await dataSource.createQueryRunner().getTable('invoices');
    expect(table?.columns.map((column) => column.name)).not.toContain('tenant_id');
  });
});
