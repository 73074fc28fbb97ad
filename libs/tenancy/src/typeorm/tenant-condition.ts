import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { TENANT_QUERY_PARAMETER } from '../constants.js';
import type { QueryBuilderInternals } from './query-builder-internals.js';

const MAX_ALIASES_PER_COLUMN = 256;
const conditions = new WeakMap<ColumnMetadata, Map<string, string>>();

/**
 * `"alias"."tenant_id" = :tenancy_tenant_id`, already escaped so TypeORM's
 * property-name rewriting leaves it alone. The value is bound late through
 * the parameter (see getParameters), so the SQL text never embeds an id and
 * TypeORM's secondary queries (pagination, counts) inherit it.
 */
export function tenantCondition(queryBuilder: QueryBuilderInternals, column: ColumnMetadata, alias: string | undefined): string {
  // Built once per column, alias and escaping mode (a query builder may switch
  // escaping off): a column belongs to one DataSource, so to one driver's quoting.
  let byAlias = conditions.get(column);
  if (!byAlias) conditions.set(column, (byAlias = new Map()));
  const key = `${queryBuilder.expressionMap.disableEscaping ? 'e' : 'r'}${alias ?? ''}`;
  let condition = byAlias.get(key);
  if (condition === undefined) {
    const columnName = queryBuilder.escape(column.databaseName);
    const target = alias === undefined ? columnName : `${queryBuilder.escape(alias)}.${columnName}`;
    condition = `${target} = :${TENANT_QUERY_PARAMETER}`;
    // Aliases are chosen by the app's code: a bounded set in practice, capped here all the same.
    if (byAlias.size < MAX_ALIASES_PER_COLUMN) byAlias.set(key, condition);
  }
  return condition;
}
