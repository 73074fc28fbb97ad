import { TableColumn, TableIndex, type QueryRunner } from 'typeorm';
import { assertTenantIdInContext } from '../context/tenant-store.js';
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
 * Adopting tenancy on a populated table (the migration guide of the FastAPI ORM design we follow):
 * add the column nullable, backfill it, then make it NOT NULL and index it
 * under the name TypeORM gives the `@TenantScoped` index, so that a later
 * `migration:generate` sees nothing left to do.
 */
export async function addTenantColumn(queryRunner: QueryRunner, options: AddTenantColumnOptions): Promise<void> {
  const name = options.column ?? DEFAULT_TENANT_COLUMN;
  const column = (isNullable: boolean) =>
    new TableColumn({ name, type: 'varchar', length: String(options.length ?? DEFAULT_TENANT_COLUMN_LENGTH), isNullable });
  const backfill = options.backfill;
  const tenantId = 'tenantId' in backfill ? assertTenantIdInContext(backfill.tenantId) : undefined;
  await queryRunner.addColumn(options.table, column(true));
  // Raw SQL on purpose: the table may already map to the scoped entity, whose
  // filter would (rightly) refuse a write that stamps every row.
  const driver = queryRunner.connection.driver;
  const target = driver.escape(name);
  const [sql, parameters] = driver.escapeQueryWithParameters(
    `UPDATE ${driver.escape(options.table)} SET ${target} = ${tenantId === undefined ? (backfill as { sql: string }).sql : ':tenantId'} WHERE ${target} IS NULL`,
    { tenantId },
  );
  await queryRunner.query(sql, parameters);
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
