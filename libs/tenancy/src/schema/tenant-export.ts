import type { DataSource, EntityMetadata } from 'typeorm';
import { TenantProvisioningError } from '../errors/tenant-provisioning.error.js';
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

const invalid = (problem: string) =>
  new TenantProvisioningError(
    'TENANT_IMPORT_INVALID',
    `Not a tenant export this app can import: ${problem}; nothing was imported. Import a file written by exportTenant() (or \`tenancy export\`) of an app with the same tenant entities.`,
  );

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks a parsed export file before anything is created, so that a wrong or
 * damaged file is refused whole (TENANT_IMPORT_INVALID) rather than half imported.
 */
export function assertTenantExport(dataSource: DataSource, dump: unknown): asserts dump is TenantExport {
  if (!isRecord(dump) || dump.format !== 'nestjs-tenancy/tenant-export' || dump.version !== 1) {
    throw invalid('it lacks format "nestjs-tenancy/tenant-export" and version 1');
  }
  if (typeof dump.tenantId !== 'string' || !Array.isArray(dump.tables)) throw invalid('it lacks "tenantId" or "tables"');
  const known = new Set(tenantTablesInOrder(dataSource).map((m) => m.tableName));
  for (const entry of dump.tables as unknown[]) {
    if (!isRecord(entry) || typeof entry.table !== 'string' || !Array.isArray(entry.rows) || !entry.rows.every(isRecord)) {
      throw invalid('a "tables" entry is not { table, rows: [objects] }');
    }
    if (!known.has(entry.table)) throw invalid(`it has a table ${JSON.stringify(entry.table)} that no tenant entity maps`);
  }
}

/** Tenant tables, parents before children, so inserts satisfy foreign keys. */
function tenantTablesInOrder(dataSource: DataSource): EntityMetadata[] {
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
 * Writes an export (checked by assertTenantExport) into an existing, empty
 * tenant schema in one transaction, rewriting the tenant column to the new
 * tenant, then moves sequences past the imported ids.
 */
export async function writeTenantTables(dataSource: DataSource, schema: string, tenantId: string, dump: TenantExport): Promise<void> {
  const q = (name: string) => dataSource.driver.escape(name);
  const byTable = new Map(tenantTablesInOrder(dataSource).map((m) => [m.tableName, m]));
  await dataSource.transaction(async (tx) => {
    for (const { table, rows } of dump.tables) {
      // assertTenantExport refused unknown tables before the schema was created.
      const metadata = byTable.get(table)!;
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
