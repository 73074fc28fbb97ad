import { QueryBuilder, SelectQueryBuilder } from 'typeorm';
import type { Alias } from 'typeorm/query-builder/Alias.js';
import { TENANT_QUERY_PARAMETER } from '../constants.js';
import { getCurrentTenant, isTenantFilterBypassed } from '../context/tenant-store.js';
import { internals, type JoinTree, type QueryBuilderInternals } from './query-builder-internals.js';
import { tenantColumnOf } from './tenant-metadata.js';
import { tenantCondition } from './tenant-condition.js';
import { resolveTenantScope } from './tenant-scope.js';
import { unfilteredMark } from './late-context.js';
import { prependConditions } from './where-conditions.js';

const OPERATION: Record<string, string> = {
  select: 'a read',
  update: 'an update',
  delete: 'a delete',
  'soft-delete': 'a soft delete',
  restore: 'a restore',
};

/** The tenant condition of one FROM alias, pushed onto `conditions` (created on first use). */
function addCondition(qb: QueryBuilderInternals, alias: Alias, conditions: string[] | undefined): string[] | undefined {
  const metadata = alias.hasMetadata ? alias.metadata : undefined;
  const column = tenantColumnOf(metadata);
  if (!column || !metadata) return conditions;
  const map = qb.expressionMap;
  const scope = resolveTenantScope(qb.dataSource, metadata, OPERATION[map.queryType] ?? 'a query');
  const list = conditions ?? [];
  if (scope.kind !== 'tenant') list.push(...unfilteredMark());
  else list.push(tenantCondition(qb, column, map.aliasNamePrefixingEnabled ? alias.name : undefined));
  return list;
}

/**
 * Tenant conditions for the FROM side of a statement: the main alias, and for
 * SELECTs every extra `addFrom` alias (an implicit cross join is a read too).
 * Runs for every statement: no array is built unless there is a condition.
 */
function whereConditions(qb: QueryBuilderInternals): string[] | undefined {
  const map = qb.expressionMap;
  if (map.queryType !== 'select') return map.mainAlias ? addCondition(qb, map.mainAlias, undefined) : undefined;
  let conditions: string[] | undefined;
  for (const alias of map.aliases) if (alias.type === 'from') conditions = addCondition(qb, alias, conditions);
  return conditions;
}

type Proto = Record<string, (...args: never[]) => unknown>;

export function patchReadFilter(): void {
  const base = QueryBuilder.prototype as unknown as Proto;
  const select = SelectQueryBuilder.prototype as unknown as Proto;

  const createWhereExpression = base.createWhereExpression as () => string;
  base.createWhereExpression = function (this: unknown) {
    const where = createWhereExpression.call(this);
    const conditions = whereConditions(internals(this));
    return conditions ? prependConditions(where, conditions) : where;
  };

  // Always overwritten with the context's tenant: a caller-supplied parameter
  // of the same name must not be able to pick another tenant.
  const getParameters = base.getParameters as () => Record<string, unknown>;
  base.getParameters = function (this: unknown) {
    const parameters = getParameters.call(this);
    const tenantId = getCurrentTenant();
    if (tenantId === undefined) delete parameters[TENANT_QUERY_PARAMETER];
    else parameters[TENANT_QUERY_PARAMETER] = tenantId;
    return parameters;
  };

  // The filter of a joined scoped entity belongs in the ON clause: in WHERE it
  // would drop the outer join's unmatched root rows.
  const createJoinTree = select.createJoinTreeRecursively as (tree: JoinTree) => string;
  select.createJoinTreeRecursively = function (this: unknown, tree: JoinTree) {
    const qb = internals(this);
    const join = tree.joinAttribute;
    const metadata = join.metadata;
    const column = tenantColumnOf(metadata);
    if (!column || !metadata) return createJoinTree.call(this, tree);
    const scope = resolveTenantScope(qb.dataSource, metadata, 'a join');
    const conditions = scope.kind === 'tenant' ? [tenantCondition(qb, column, join.alias.name)] : unfilteredMark();
    if (conditions.length === 0) return createJoinTree.call(this, tree);
    const own = join.condition;
    const tenant = conditions.join(' AND ');
    join.condition = own ? `(${own}) AND ${tenant}` : tenant;
    try {
      return createJoinTree.call(this, tree);
    } finally {
      join.condition = own;
    }
  };

  // A fixed cache id would serve one tenant's cached rows to the next tenant.
  const loadRawResults = select.loadRawResults as (...args: unknown[]) => Promise<unknown>;
  select.loadRawResults = async function (this: unknown, ...args: unknown[]) {
    const map = internals(this).expressionMap;
    const tenantId = getCurrentTenant();
    const cacheId = map.cacheId;
    if (!map.cache || !cacheId || tenantId === undefined || isTenantFilterBypassed()) {
      return loadRawResults.apply(this, args);
    }
    map.cacheId = `${cacheId}:tenancy:${tenantId}`;
    try {
      return await loadRawResults.apply(this, args);
    } finally {
      map.cacheId = cacheId;
    }
  };
}
