import { InsertQueryBuilder, RelationQueryBuilder, type QueryRunner } from 'typeorm';
import type { Alias } from 'typeorm/query-builder/Alias.js';
import type { RelationMetadata } from 'typeorm/metadata/RelationMetadata.js';
import { TENANT_QUERY_PARAMETER } from '../constants.js';
import type { TypeormAdapter } from './adapter/typeorm-adapter.js';
import { internals, type QueryBuilderInternals } from './query-builder-internals.js';
import { UNFILTERED_MARK } from './late-context.js';
import { scopedJunctionKeys } from './junction-metadata.js';
import { tenantColumnOf } from './tenant-metadata.js';
import { assertTenantOwns } from './tenant-ownership.js';
import { resolveTenantScope } from './tenant-scope.js';

type Method = (...args: unknown[]) => unknown;
type Proto = Record<string, Method>;

interface RelationBuilderInternals extends QueryBuilderInternals {
  readonly queryRunner?: QueryRunner;
}

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/**
 * A junction row has no tenant column: it is the tenant's when the scoped
 * row(s) it links are. Reading or deleting junction rows directly (by table
 * name, by the junction entity, or save() deleting the links that went
 * missing) keeps only rows whose scoped side belongs to the tenant, so a link
 * from a shared row to another tenant's row is neither seen nor deleted.
 * Adds to `conditions` (created on first use; the read filter's WHERE wrapper calls it).
 */
export function junctionConditions(typeorm: TypeormAdapter, qb: QueryBuilderInternals, conditions?: string[]): string[] | undefined {
  const map = qb.expressionMap;
  if (map.queryType !== 'select') return map.mainAlias ? addJunctionConditions(typeorm, qb, map.mainAlias, conditions) : conditions;
  for (const alias of map.aliases) if (alias.type === 'from') conditions = addJunctionConditions(typeorm, qb, alias, conditions);
  return conditions;
}

/** The conditions of one FROM alias when it is a junction table that links a scoped entity (checked first: most aliases are not). */
function addJunctionConditions(
  typeorm: TypeormAdapter,
  qb: QueryBuilderInternals,
  alias: Alias,
  conditions: string[] | undefined,
): string[] | undefined {
  if (!alias.hasMetadata || alias.metadata.tableType !== 'junction') return conditions;
  const map = qb.expressionMap;
  const junction = alias.metadata;
  const tablePath = (path: string) =>
    path
      .split('.')
      .map((part) => qb.escape(part))
      .join('.');
  const self = map.aliasNamePrefixingEnabled ? qb.escape(alias.name) : tablePath(junction.tablePath);
  for (const key of scopedJunctionKeys(junction)) {
    const owner = key.referencedEntityMetadata;
    const column = tenantColumnOf(owner);
    if (!column) continue;
    if (resolveTenantScope(typeorm.dataSourceOf(qb), owner, 'a junction table query').kind !== 'tenant') {
      (conditions ??= []).push(UNFILTERED_MARK);
      continue;
    }
    const o = qb.escape('tenancy_owner');
    const joins = key.columns.map(
      (junctionColumn, i) => `${o}.${qb.escape(key.referencedColumns[i].databaseName)} = ${self}.${qb.escape(junctionColumn.databaseName)}`,
    );
    (conditions ??= []).push(
      `EXISTS (SELECT 1 FROM ${tablePath(owner.tablePath)} ${o} WHERE ${joins.join(' AND ')} AND ${o}.${qb.escape(column.databaseName)} = :${TENANT_QUERY_PARAMETER})`,
    );
  }
  return conditions;
}

/** Whether a junction INSERT has scoped rows to check (sync, so that a plain insert pays no extra await). */
function hasJunctionKeys(qb: QueryBuilderInternals): boolean {
  const main = qb.expressionMap.mainAlias;
  return main?.hasMetadata === true && main.metadata.tableType === 'junction' && scopedJunctionKeys(main.metadata).length > 0;
}

/** Every scoped row a junction INSERT links must be the tenant's (RelationQueryBuilder.add(), save() of either side). */
async function guardJunctionInsert(typeorm: TypeormAdapter, qb: RelationBuilderInternals): Promise<void> {
  const metadata = qb.expressionMap.mainAlias?.hasMetadata ? qb.expressionMap.mainAlias.metadata : undefined;
  const keys = scopedJunctionKeys(metadata);
  if (keys.length === 0) return;
  const valueSets = qb.getValueSets();
  for (const key of keys) {
    const ids = valueSets.map((valueSet) =>
      Object.fromEntries(key.columns.map((column, i) => [key.referencedColumns[i].propertyName, column.getEntityValue(valueSet)])),
    );
    await assertTenantOwns(
      typeorm.dataSourceOf(qb),
      key.referencedEntityMetadata,
      ids,
      qb.queryRunner,
      `a link in "${metadata?.tableName}"`,
    );
  }
}

/**
 * RelationQueryBuilder writes by id: `of(x)` is the row whose relation
 * changes, the argument the related row(s). Both must be the tenant's when
 * their entity is scoped, or a tenant could unlink (or link, or re-point a
 * foreign key at) another tenant's row. Many-to-many add() is checked by the
 * junction INSERT guard.
 */
async function guardRelationWrite(typeorm: TypeormAdapter, qb: RelationBuilderInternals, operation: string, value: unknown): Promise<void> {
  const dataSource = typeorm.dataSourceOf(qb);
  const relation: RelationMetadata = qb.expressionMap.relationMetadata;
  const describe = `RelationQueryBuilder.${operation}() on "${relation.entityMetadata.name}.${relation.propertyPath}"`;
  await assertTenantOwns(dataSource, relation.entityMetadata, asArray(qb.expressionMap.of), qb.queryRunner, describe);
  await assertTenantOwns(dataSource, relation.inverseEntityMetadata, asArray(value), qb.queryRunner, describe);
}

export function patchJunctionGuards(typeorm: TypeormAdapter): void {
  const insert = InsertQueryBuilder.prototype as unknown as Proto;
  const execute = insert.execute;
  // Not async itself: an insert that links nothing scoped goes straight to TypeORM's execute().
  insert.execute = function (this: unknown, ...args: unknown[]) {
    if (!hasJunctionKeys(internals(this))) return execute.apply(this, args);
    return guardJunctionInsert(typeorm, internals(this)).then(() => execute.apply(this, args));
  };

  const relation = RelationQueryBuilder.prototype as unknown as Proto;
  for (const operation of ['set', 'add', 'remove']) {
    const original = relation[operation];
    relation[operation] = async function (this: RelationBuilderInternals, value: unknown) {
      const isManyToManyAdd = operation === 'add' && this.expressionMap.relationMetadata.isManyToMany;
      if (!isManyToManyAdd) await guardRelationWrite(typeorm, this, operation, value);
      return original.call(this, value);
    };
  }
}
