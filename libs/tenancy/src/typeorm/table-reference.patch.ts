import { QueryBuilder, SelectQueryBuilder, type DataSource } from 'typeorm';
import { TenantIsolationError } from '../errors/tenant-isolation.error.js';
import type { TypeormAdapter } from './adapter/typeorm-adapter.js';
import type { QueryBuilderInternals } from './query-builder-internals.js';
import { UNFILTERED_MARK } from './late-context.js';
import { resolveTableReference } from './table-reference.js';
import { resolveTenantScope } from './tenant-scope.js';

type Method = (...args: unknown[]) => unknown;
type Proto = Record<string, Method>;

/** The entity class to use instead of a string that names a tenant table where it lives. */
function entityFor(dataSource: DataSource, target: unknown): unknown {
  // A parenthesised string is a subquery to TypeORM (the distinct query of a paginated find is one): no table to look up.
  if (typeof target !== 'string' || (target.startsWith('(') && target.endsWith(')')) || dataSource.hasMetadata(target)) return target;
  const reference = resolveTableReference(dataSource, target);
  return reference.kind === 'entity' ? reference.metadata.target : target;
}

/**
 * A table alias that kept no metadata yet names a table of tenant rows (in
 * another schema, another tenant's schema, SQLite's temp...): nothing can
 * filter or stamp it, so only a bypass (or the 'unfiltered' opt-out with no
 * tenant) may run it. With no tenant it is TENANT_REQUIRED, like the entity.
 * Adds the late-context mark for each alias a bypass let through to
 * `conditions` (created on first use). The read filter's WHERE wrapper and the
 * insert guard call it.
 */
export function namedTableMarks(typeorm: TypeormAdapter, qb: QueryBuilderInternals, conditions?: string[]): string[] | undefined {
  for (const alias of qb.expressionMap.aliases) {
    if (alias.hasMetadata || alias.subQuery || typeof alias.tablePath !== 'string') continue;
    const dataSource = typeorm.dataSourceOf(qb);
    const reference = resolveTableReference(dataSource, alias.tablePath);
    if (reference.kind === 'other') continue;
    const scope = resolveTenantScope(dataSource, reference.metadata, `a query on table "${alias.tablePath}"`);
    if (scope.kind !== 'tenant') {
      (conditions ??= []).push(UNFILTERED_MARK);
      continue;
    }
    throw new TenantIsolationError(
      'TENANT_UNSUPPORTED_QUERY',
      `Table "${alias.tablePath}" holds tenant rows of "${reference.metadata.name}" but is not where that entity lives (another schema, another tenant's schema or a shared copy), so the tenant filter cannot cover it. Name the entity (from(${reference.metadata.name})) instead, or run deliberate cross-tenant SQL inside bypassTenantFilter().`,
    );
  }
  return conditions;
}

/**
 * TypeORM maps a string to an entity only when it equals the entity name,
 * table name or table path exactly; `Products`, `main.products` or
 * `public.products` reach the same table as a bare table. Such strings are
 * turned into the entity here, so every later guard sees its metadata.
 */
export function patchTableReferences(typeorm: TypeormAdapter): void {
  const base = QueryBuilder.prototype as unknown as Proto;
  const createFromAlias = base.createFromAlias;
  base.createFromAlias = function (this: unknown, target: unknown, ...rest: unknown[]) {
    return createFromAlias.call(this, entityFor(typeorm.dataSourceOf(this as object), target), ...rest);
  };

  const select = SelectQueryBuilder.prototype as unknown as Proto;
  const join = select.join;
  select.join = function (this: unknown, direction: unknown, target: unknown, ...rest: unknown[]) {
    // A dotted string is a relation path ("p.tags") to TypeORM, never a table.
    const entity = typeof target === 'string' && target.includes('.') ? target : entityFor(typeorm.dataSourceOf(this as object), target);
    return join.call(this, direction, entity, ...rest);
  };
}
