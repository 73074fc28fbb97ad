import type { DataSource } from 'typeorm';
import { tenantColumnOf } from '../typeorm/tenant-metadata.js';
import { tenantJunctionRlsTables } from './rls-junction-tables.js';
import type { TenantRlsTable } from './rls-policy.js';

/**
 * The tables of a DataSource's `@TenantScoped` entities, once each (then the
 * junction tables that link them, protected through the linked rows): single
 * table inheritance children share their parent's table, and view entities
 * have no rows of their own to protect.
 */
export function tenantRlsTables(dataSource: DataSource): TenantRlsTable[] {
  const tables = new Map<string, TenantRlsTable>();
  for (const metadata of dataSource.entityMetadatas) {
    const column = tenantColumnOf(metadata);
    if (!column || metadata.tableType === 'view' || metadata.tableType === 'entity-child') continue;
    const schema = metadata.schema;
    const key = JSON.stringify([schema ?? null, metadata.tableName]);
    if (!tables.has(key)) tables.set(key, { table: metadata.tableName, schema, column: column.databaseName });
  }
  return [...tables.values(), ...tenantJunctionRlsTables(dataSource)];
}
