import { TableColumn, TableIndex, type QueryRunner } from 'typeorm';
import { assertValidTenantId } from '../context/tenant-id.js';
import { DEFAULT_TENANT_COLUMN, DEFAULT_TENANT_COLUMN_LENGTH } from '../constants.js';

export interface AddTenantColumnOptions {
  table: string;
  /** Default `tenant_id`; must match `@TenantScoped({ column })`. */
  column?: string;
  /** Default 64; must match `@TenantScoped({ length })`. */
  length?: number;
  /** Existing rows get one tenant, or the value of an SQL expression over the row. */
  backfill: { tenantId: string } | { sql: string };
}

/**
 * Adopting tenancy on a populated table (the reference's migration guide):
 * add the column nullable, backfill it, then make it NOT NULL and index it
 * under the name TypeORM gives the `@TenantScoped` index, so that a later
 * `migration:generate` sees nothing left to do.
 */
export async function addTenantColumn(queryRunner: QueryRunner, options: AddTenantColumnOptions): Promise<void> {
  const name = options.column ?? DEFAULT_TENANT_COLUMN;
  const column = (isNullable: boolean) =>
    new TableColumn({ name, type: 'varchar', length: String(options.length ?? DEFAULT_TENANT_COLUMN_LENGTH), isNullable });
  await queryRunner.addColumn(options.table, column(true));
  const backfill = options.backfill;
  const value = 'tenantId' in backfill ? assertValidTenantId(backfill.tenantId) : () => backfill.sql;
  await queryRunner.manager
    .createQueryBuilder()
    .update(options.table)
    .set({ [name]: value })
    .where(`${queryRunner.connection.driver.escape(name)} IS NULL`)
    .execute();
  await queryRunner.changeColumn(options.table, name, column(false));
  const indexName = queryRunner.connection.namingStrategy.indexName(options.table, [name]);
  await queryRunner.createIndex(options.table, new TableIndex({ name: indexName, columnNames: [name] }));
}

/** The `down()` of addTenantColumn. */
export async function dropTenantColumn(queryRunner: QueryRunner, table: string, column = DEFAULT_TENANT_COLUMN): Promise<void> {
  const indexName = queryRunner.connection.namingStrategy.indexName(table, [column]);
  await queryRunner.dropIndex(table, indexName);
  await queryRunner.dropColumn(table, column);
}
