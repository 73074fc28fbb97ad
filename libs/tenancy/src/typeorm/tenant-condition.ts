import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { TENANT_QUERY_PARAMETER } from '../constants.js';
import type { QueryBuilderInternals } from './query-builder-internals.js';

/**
 * `"alias"."tenant_id" = :tenancy_tenant_id`, already escaped so TypeORM's
 * property-name rewriting leaves it alone. The value is bound late through
 * the parameter (see getParameters), so the SQL text never embeds an id and
 * TypeORM's secondary queries (pagination, counts) inherit it.
 */
export function tenantCondition(queryBuilder: QueryBuilderInternals, column: ColumnMetadata, alias: string | undefined): string {
  const columnName = queryBuilder.escape(column.databaseName);
  const target = alias === undefined ? columnName : `${queryBuilder.escape(alias)}.${columnName}`;
  return `${target} = :${TENANT_QUERY_PARAMETER}`;
}
