import { QueryBuilder, SelectQueryBuilder } from 'typeorm';
import type { Alias } from 'typeorm/query-builder/Alias.js';
import type { JoinAttribute } from 'typeorm/query-builder/JoinAttribute.js';
import { TENANT_QUERY_PARAMETER } from '../constants.js';
import { filteringTenant, getCurrentTenant } from '../context/tenant-store.js';
import type { TypeormAdapter } from './adapter/typeorm-adapter.js';
import { internals, type QueryBuilderInternals } from './query-builder-internals.js';
import { tenantColumnOf } from './tenant-metadata.js';
import { tenantCondition } from './tenant-condition.js';
import { resolveTenantScope } from './tenant-scope.js';
import { UNFILTERED_MARK } from './late-context.js';
import { junctionConditions } from './junction-guard.patch.js';
import { assertRowsOfTenant, scopedRawKeys } from './load-check.js';
import { namedTableMarks } from './table-reference.patch.js';
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
  if (scope.kind !== 'tenant') list.push(UNFILTERED_MARK);
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

/** The tenant condition of one joined scoped entity, the unfiltered mark where no filter applies, undefined for an unscoped one. */
function joinCondition(typeorm: TypeormAdapter, qb: QueryBuilderInternals, join: JoinAttribute): string | undefined {
  const metadata = join.metadata;
  const column = tenantColumnOf(metadata);
  if (!column || !metadata) return undefined;
  const scope = resolveTenantScope(typeorm.dataSourceOf(qb), metadata, 'a join');
  return scope.kind === 'tenant' ? tenantCondition(qb, column, join.alias.name) : UNFILTERED_MARK;
}

type Proto = Record<string, (...args: never[]) => unknown>;

export function patchReadFilter(typeorm: TypeormAdapter): void {
  const base = QueryBuilder.prototype as unknown as Proto;
  const select = SelectQueryBuilder.prototype as unknown as Proto;

  // One wrapper for every condition a statement's FROM side needs (the
  // tenant's, tables named by strings, junction links): one pass, one
  // rewrite of the WHERE, instead of a wrapper per guard.
  const createWhereExpression = base.createWhereExpression as () => string;
  base.createWhereExpression = function (this: unknown) {
    const qb = internals(this);
    const where = createWhereExpression.call(this);
    let conditions = whereConditions(typeorm, qb);
    conditions = namedTableMarks(typeorm, qb, conditions);
    conditions = junctionConditions(typeorm, qb, conditions);
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
    const joins = qb.expressionMap.joinAttributes;
    // Most statements join nothing scoped: no list of own conditions is kept for them.
    let own: Array<string | undefined> | undefined;
    try {
      for (let i = 0; i < joins.length; i++) {
        const tenant = joinCondition(typeorm, qb, joins[i]);
        if (tenant === undefined) continue;
        own ??= new Array<string | undefined>(joins.length);
        const condition = joins[i].condition;
        own[i] = condition;
        joins[i].condition = condition ? `(${condition}) AND ${tenant}` : tenant;
      }
      return createJoinExpression.call(this);
    } finally {
      if (own) for (let i = 0; i < joins.length; i++) if (i in own) joins[i].condition = own[i];
    }
  };

  // A fixed cache id would serve one tenant's cached rows to the next tenant.
  // And every read inside a tenant has its raw rows checked (load-check.ts),
  // cached ones too, before TypeORM builds entities from them.
  const loadRawResults = select.loadRawResults as (...args: unknown[]) => Promise<unknown>;
  // Not async itself: a read outside a tenant or of no scoped entity goes straight to TypeORM's, one promise less.
  select.loadRawResults = function (this: unknown, ...args: unknown[]) {
    const qb = internals(this);
    const tenantId = filteringTenant();
    if (tenantId === undefined) return loadRawResults.apply(this, args);
    const keys = scopedRawKeys(typeorm, qb);
    const map = qb.expressionMap;
    const cacheId = map.cacheId;
    let rows: Promise<unknown>;
    if (!map.cache || !cacheId) rows = loadRawResults.apply(this, args);
    else {
      map.cacheId = `${cacheId}:tenancy:${tenantId}`;
      try {
        rows = loadRawResults.apply(this, args).finally(() => {
          map.cacheId = cacheId;
        });
      } catch (error) {
        map.cacheId = cacheId;
        throw error;
      }
    }
    return keys ? rows.then((raw) => (assertRowsOfTenant(raw, keys, tenantId), raw)) : rows;
  };
}
