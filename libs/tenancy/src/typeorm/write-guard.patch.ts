import {
  EntityManager,
  InsertQueryBuilder,
  InstanceChecker,
  UpdateQueryBuilder,
  type DataSource,
  type EntityTarget,
  type ObjectLiteral,
} from 'typeorm';
import { TenantIsolationError } from '../errors/tenant-isolation.error.js';
import type { TypeormAdapter } from './adapter/typeorm-adapter.js';
import { guardUpsert } from './upsert-guard.js';
import { internals, type QueryBuilderInternals } from './query-builder-internals.js';
import { tenantColumnOf } from './tenant-metadata.js';
import { namedTableMarks } from './table-reference.patch.js';
import { resolveTenantScope } from './tenant-scope.js';
import { stampTenant, tenantMove } from './tenant-stamp.js';

function guardInsert(typeorm: TypeormAdapter, qb: QueryBuilderInternals): void {
  // INTO a table named by a string that holds tenant rows elsewhere: refused like a read.
  namedTableMarks(typeorm, qb);
  const map = qb.expressionMap;
  const metadata = map.mainAlias?.hasMetadata ? map.mainAlias.metadata : undefined;
  const column = tenantColumnOf(metadata);
  if (!column || !metadata) return;
  const dataSource = typeorm.dataSourceOf(qb);
  const scope = resolveTenantScope(dataSource, metadata, 'an insert');
  if (typeorm.insertsFromSelect(map)) {
    // The rows come from SQL we cannot inspect one by one.
    if (scope.kind === 'tenant') {
      throw new TenantIsolationError(
        'TENANT_UNSUPPORTED_QUERY',
        `INSERT ... SELECT into tenant-scoped entity "${metadata.name}" cannot be checked row by row. Insert values instead, or run it inside bypassTenantFilter().`,
      );
    }
    return;
  }
  for (const valueSet of qb.getValueSets()) stampTenant(valueSet, column, scope, metadata.name);
  guardUpsert(dataSource, qb, metadata, column, scope);
}

function guardUpdate(typeorm: TypeormAdapter, qb: QueryBuilderInternals): void {
  const map = qb.expressionMap;
  const metadata = map.mainAlias?.hasMetadata ? map.mainAlias.metadata : undefined;
  const column = tenantColumnOf(metadata);
  if (!column || !metadata) return;
  const scope = resolveTenantScope(typeorm.dataSourceOf(qb), metadata, 'an update');
  const values = map.valuesSet;
  if (scope.kind !== 'tenant' || typeof values !== 'object' || values === null || Array.isArray(values)) return;
  const value: unknown = column.getEntityValue(values as ObjectLiteral);
  if (value !== undefined && value !== scope.tenantId) throw tenantMove(metadata.name);
}

type Method = (...args: unknown[]) => unknown;

/**
 * Runs `guard` when the SQL is built (getQuery/getSql) and before execute(),
 * where it must reject rather than throw: callers await execute(). Both stay:
 * between the two, subscribers, entity listeners and the caller's own code
 * (anything awaited inside execute()) can still change the values, and only
 * the check at build time sees what is really sent.
 */
function guardBefore(
  typeorm: TypeormAdapter,
  prototype: object,
  buildMethod: string,
  guard: (typeorm: TypeormAdapter, qb: QueryBuilderInternals) => void,
): void {
  const proto = prototype as Record<string, Method>;
  const build = proto[buildMethod];
  proto[buildMethod] = function (this: unknown, ...args: unknown[]) {
    guard(typeorm, internals(this));
    return build.apply(this, args);
  };
  // Not async itself (one promise less per write); a refusal still rejects, never throws.
  const execute = proto.execute;
  proto.execute = function (this: unknown, ...args: unknown[]) {
    try {
      guard(typeorm, internals(this));
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return execute.apply(this, args);
  };
}

export function patchWriteGuards(typeorm: TypeormAdapter): void {
  // Before execute() so that subscribers never see a refused row.
  guardBefore(typeorm, InsertQueryBuilder.prototype, 'createInsertExpression', guardInsert);
  guardBefore(typeorm, UpdateQueryBuilder.prototype, 'createUpdateExpression', guardUpdate);

  preflightPersistence(typeorm);

  // clear() is a TRUNCATE of every tenant's rows: inside a tenant it becomes a
  // filtered DELETE of that tenant's rows only.
  const manager = EntityManager.prototype as unknown as Record<string, Method>;
  const clear = manager.clear;
  manager.clear = async function (this: EntityManager, ...args: unknown[]) {
    const [target, ...rest] = args as [EntityTarget<ObjectLiteral>, ...unknown[]];
    const dataSource = typeorm.dataSourceOf(this);
    const metadata = dataSource.getMetadata(target);
    if (!tenantColumnOf(metadata)) return clear.call(this, target, ...rest);
    const scope = resolveTenantScope(dataSource, metadata, 'clear()');
    if (scope.kind !== 'tenant') return clear.call(this, target, ...rest);
    await this.createQueryBuilder().delete().from(metadata.target).execute();
  };
}

/** The entity class a save()/remove() call is about, when TypeORM can tell. */
function persistTarget(dataSource: DataSource, args: unknown[]): EntityTarget<ObjectLiteral> | undefined {
  const [first] = args;
  const target =
    typeof first === 'function' || typeof first === 'string' || InstanceChecker.isEntitySchema(first)
      ? first
      : (Array.isArray(first) ? first[0] : first)?.constructor;
  return target && dataSource.hasMetadata(target as EntityTarget<ObjectLiteral>) ? (target as EntityTarget<ObjectLiteral>) : undefined;
}

/**
 * save()/remove() open a transaction before any subscriber runs; checking the
 * tenant first keeps "no tenant" from sending even a BEGIN.
 */
function preflightPersistence(typeorm: TypeormAdapter): void {
  const manager = EntityManager.prototype as unknown as Record<string, Method>;
  for (const name of ['save', 'remove', 'softRemove', 'recover']) {
    const original = manager[name];
    manager[name] = async function (this: EntityManager, ...args: unknown[]) {
      const dataSource = typeorm.dataSourceOf(this);
      const target = persistTarget(dataSource, args);
      const metadata = target ? dataSource.getMetadata(target) : undefined;
      if (metadata && tenantColumnOf(metadata)) resolveTenantScope(dataSource, metadata, `${name}()`);
      return original.apply(this, args);
    };
  }
}
