import type { DataSource } from 'typeorm';
import { scopedJunctionKeys } from '../typeorm/junction-metadata.js';
import type { TenantRlsTable } from './rls-policy.js';

/**
 * The many-to-many junction tables that link a `@TenantScoped` entity: their
 * rows carry no tenant, so their policies go through the scoped rows they
 * link (see junctionRlsPredicate).
 */
export function tenantJunctionRlsTables(dataSource: DataSource): TenantRlsTable[] {
  return dataSource.entityMetadatas
    .map((metadata) => ({ metadata, keys: scopedJunctionKeys(metadata) }))
    .filter(({ keys }) => keys.length > 0)
    .map(({ metadata, keys }) => ({
      table: metadata.tableName,
      schema: metadata.schema,
      owners: keys.map((key) => ({
        table: key.referencedEntityMetadata.tableName,
        schema: key.referencedEntityMetadata.schema,
        columns: key.columns.map((column, i) => ({ junction: column.databaseName, owner: key.referencedColumns[i].databaseName })),
      })),
    }));
}
