import type { DataSource, EntityMetadata } from 'typeorm';
import { TenantIsolationError } from '../errors/tenant-isolation.error.js';
import { tenantColumnOf } from '../typeorm/tenant-metadata.js';
import { livesInTenantSchema } from './apply-schema-strategy.js';

export interface TenantExport {
  format: 'nestjs-tenancy/tenant-export';
  version: 1;
  tenantId: string;
  exportedAt: string;
  tables: Array<{ table: string; rows: Array<Record<string, unknown>> }>;
}

const BATCH = 500;

/** Tenant tables, parents before children, so inserts satisfy foreign keys. */
export function tenantTablesInOrder(dataSource: DataSource): EntityMetadata[] {
  const pending = dataSource.entityMetadatas.filter((m) => livesInTenantSchema(m) && m.tableType !== 'view');
  const ordered: EntityMetadata[] = [];
  while (pending.length > 0) {
    const index = pending.findIndex((m) =>
      m.foreignKeys.every((key) => key.referencedEntityMetadata === m || !pending.includes(key.referencedEntityMetadata)),
    );
    // A foreign-key cycle has no order; take the rest as declared.
    ordered.push(...pending.splice(index === -1 ? 0 : index, index === -1 ? pending.length : 1));
  }
  return ordered;
}

export async function readTenantTables(dataSource: DataSource, schema: string, tenantId: string): Promise<TenantExport> {
  const q = (name: string) => dataSource.driver.escape(name);
  const tables = [];
  for (const metadata of tenantTablesInOrder(dataSource)) {
    const order = metadata.primaryColumns.map((c) => q(c.databaseName)).join(', ');
    const rows = await dataSource.query(`SELECT * FROM ${q(schema)}.${q(metadata.tableName)}${order ? ` ORDER BY ${order}` : ''}`);
    tables.push({ table: metadata.tableName, rows });
  }
  return { format: 'nestjs-tenancy/tenant-export', version: 1, tenantId, exportedAt: new Date().toISOString(), tables };
}

/**
 * Writes an export into an existing, empty tenant schema in one transaction,
 * rewriting the tenant column to the new tenant, then moves sequences past
 * the imported ids.
 */
export async function writeTenantTables(dataSource: DataSource, schema: string, tenantId: string, dump: TenantExport): Promise<void> {
  if (dump.format !== 'nestjs-tenancy/tenant-export' || dump.version !== 1) {
    throw new TenantIsolationError('TENANT_UNSUPPORTED_QUERY', 'Not a nestjs-tenancy tenant export (format/version 1).');
  }
  const q = (name: string) => dataSource.driver.escape(name);
  const byTable = new Map(tenantTablesInOrder(dataSource).map((m) => [m.tableName, m]));
  await dataSource.transaction(async (tx) => {
    for (const { table, rows } of dump.tables) {
      const metadata = byTable.get(table);
      if (!metadata)
        throw new TenantIsolationError('TENANT_UNSUPPORTED_QUERY', `Export has a table "${table}" that no tenant entity maps.`);
      const tenantColumn = tenantColumnOf(metadata)?.databaseName;
      const columns = metadata.columns.map((c) => c.databaseName);
      for (let start = 0; start < rows.length; start += BATCH) {
        const batch = rows.slice(start, start + BATCH);
        const values: unknown[] = [];
        const tuples = batch.map((row) => {
          const placeholders = columns.map((column) => {
            values.push(column === tenantColumn ? tenantId : (row[column] ?? null));
            return `$${values.length}`;
          });
          return `(${placeholders.join(', ')})`;
        });
        await tx.query(`INSERT INTO ${q(schema)}.${q(table)} (${columns.map(q).join(', ')}) VALUES ${tuples.join(', ')}`, values);
      }
      for (const column of metadata.columns.filter((c) => c.isGenerated && c.generationStrategy === 'increment')) {
        await tx.query(
          `SELECT setval(pg_get_serial_sequence($1, $2), GREATEST(COALESCE((SELECT MAX(${q(column.databaseName)}) FROM ${q(schema)}.${q(table)}), 0), 1), (SELECT COUNT(*) > 0 FROM ${q(schema)}.${q(table)}))`,
          [`${q(schema)}.${q(table)}`, column.databaseName],
        );
      }
    }
  });
}
