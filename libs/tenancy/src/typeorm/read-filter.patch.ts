import { QueryBuilder, SelectQueryBuilder } from 'typeorm';
import type { Alias } from 'typeorm/query-builder/Alias.js';
import type { JoinAttribute } from 'typeorm/query-builder/JoinAttribute.js';
import { TENANT_QUERY_PARAMETER } from '../constants.js';
import { getCurrentTenant, isTenantFilterBypassed } from '../context/tenant-store.js';
import type { TypeormAdapter } from './adapter/typeorm-adapter.js';
import { internals, type QueryBuilderInternals } from './query-builder-internals.js';
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
function addCondition(
  typeorm: TypeormAdapter,
  qb: QueryBuilderInternals,
  alias: Alias,
  conditions: string[] | undefined,
): string[] | undefined {
  const metadata = alias.hasMetadata ? alias.metadata : undefined;
  const column = tenantColumnOf(metadata);
  if (!column || !metadata) return conditions;
  const map = qb.expressionMap;
  const scope = resolveTenantScope(typeorm.dataSourceOf(qb), metadata, OPERATION[map.queryType] ?? 'a query');
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
function whereConditions(typeorm: TypeormAdapter, qb: QueryBuilderInternals): string[] | undefined {
  const map = qb.expressionMap;
  if (map.queryType !== 'select') return map.mainAlias ? addCondition(typeorm, qb, map.mainAlias, undefined) : undefined;
  let conditions: string[] | undefined;
  for (const alias of map.aliases) if (alias.type === 'from') conditions = addCondition(typeorm, qb, alias, conditions);
  return conditions;
}

/** The tenant condition of one joined scoped entity, or the unfiltered mark where no filter applies. */
function joinConditions(typeorm: TypeormAdapter, qb: QueryBuilderInternals, join: JoinAttribute): string[] {
  const metadata = join.metadata;
  const column = tenantColumnOf(metadata);
  if (!column || !metadata) return [];
  const scope = resolveTenantScope(typeorm.dataSourceOf(qb), metadata, 'a join');
  return scope.kind === 'tenant' ? [tenantCondition(qb, column, join.alias.name)] : unfilteredMark();
}

type Proto = Record<string, (...args: never[]) => unknown>;

export function patchReadFilter(typeorm: TypeormAdapter): void {
  const base = QueryBuilder.prototype as unknown as Proto;
  const select = SelectQueryBuilder.prototype as unknown as Proto;

  const createWhereExpression = base.createWhereExpression as () => string;
  base.createWhereExpression = function (this: unknown) {
    const where = createWhereExpression.call(this);
    const conditions = whereConditions(typeorm, internals(this));
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
  // would drop the outer join's unmatched root rows. createJoinExpression()
  // writes every join's ON clause from its condition, in one pass on 0.3 and
  // through a join tree on 1.x: each scoped join carries the tenant condition
  // (or the unfiltered mark) for exactly that pass.
  const createJoinExpression = select.createJoinExpression as () => string;
  select.createJoinExpression = function (this: unknown) {
    const qb = internals(this);
    const extended: Array<[JoinAttribute, string | undefined]> = [];
    try {
      for (const join of qb.expressionMap.joinAttributes) {
        const conditions = joinConditions(typeorm, qb, join);
        if (conditions.length === 0) continue;
        const own = join.condition;
        const tenant = conditions.join(' AND ');
        extended.push([join, own]);
        join.condition = own ? `(${own}) AND ${tenant}` : tenant;
      }
      return createJoinExpression.call(this);
    } finally {
      for (const [join, own] of extended) join.condition = own;
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
