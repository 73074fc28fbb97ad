import pg from 'pg';
import type { DataSource, EntityMetadata } from 'typeorm';
import { tenantColumnOf } from '../typeorm/tenant-metadata.js';

/** A table the distribution plan places: its quoted path and, for distributed ones, the tenant column. */
export interface CitusTablePlan {
  /** `"schema"."table"` as regclass text. */
  table: string;
  kind: 'distributed' | 'reference';
  /** Distribution column (distributed tables only). */
  column?: string;
}

const pathOf = (metadata: EntityMetadata) =>
  metadata.schema
    ? `${pg.escapeIdentifier(metadata.schema)}.${pg.escapeIdentifier(metadata.tableName)}`
    : pg.escapeIdentifier(metadata.tableName);

/** The junction's column that carries the tenant of both sides, when both are scoped (see citus-keys.apply). */
function junctionTenantColumn(metadata: EntityMetadata): string | undefined {
  if (metadata.tableType !== 'junction') return undefined;
  const tenant = metadata.columns.find(
    (column) => column.referencedColumn !== undefined && tenantColumnOf(column.referencedColumn.entityMetadata) === column.referencedColumn,
  );
  return tenant?.databaseName;
}

/** Tables whose rows belong to one tenant: scoped entities and junctions between them. */
function distributedColumn(metadata: EntityMetadata): string | undefined {
  if (metadata.tableType === 'view' || metadata.tableType === 'entity-child') return undefined;
  return tenantColumnOf(metadata)?.databaseName ?? junctionTenantColumn(metadata);
}

/**
 * Orders tables so that every table comes after the tables its foreign keys
 * reference: Citus checks a foreign key when the referencing table is
 * distributed, so the referenced one must be distributed (or a reference
 * table) by then. A cycle cannot be ordered and is reported by the caller.
 */
function referencedFirst(tables: EntityMetadata[]): { ordered: EntityMetadata[]; cycle?: EntityMetadata[] } {
  const ordered: EntityMetadata[] = [];
  const state = new Map<EntityMetadata, 'visiting' | 'done'>();
  const visit = (metadata: EntityMetadata, trail: EntityMetadata[]): EntityMetadata[] | undefined => {
    if (state.get(metadata) === 'done') return undefined;
    if (state.get(metadata) === 'visiting') return [...trail, metadata];
    state.set(metadata, 'visiting');
    for (const foreignKey of metadata.foreignKeys) {
      const target = foreignKey.referencedEntityMetadata;
      if (target === metadata || !tables.includes(target)) continue;
      const cycle = visit(target, [...trail, metadata]);
      if (cycle) return cycle;
    }
    state.set(metadata, 'done');
    ordered.push(metadata);
    return undefined;
  };
  for (const metadata of tables) {
    const cycle = visit(metadata, []);
    if (cycle) return { ordered, cycle };
  }
  return { ordered };
}

export interface CitusPlan {
  tables: CitusTablePlan[];
  /** Problems that make the schema impossible to distribute, each naming its table. */
  problems: string[];
}

/**
 * Which tables become distributed (scoped ones, by their tenant column) and
 * which become reference tables (shared ones that a distributed or reference
 * table points a foreign key at, transitively), in a safe order.
 */
export function citusPlan(dataSource: DataSource): CitusPlan {
  const tables = dataSource.entityMetadatas.filter((metadata) => metadata.tableType !== 'view' && metadata.tableType !== 'entity-child');
  const distributed = tables.filter((metadata) => distributedColumn(metadata) !== undefined);
  const reference = new Set<EntityMetadata>();
  const problems: string[] = [];
  const pending = [...distributed];
  while (pending.length > 0) {
    const metadata = pending.pop()!;
    for (const foreignKey of metadata.foreignKeys) {
      const target = foreignKey.referencedEntityMetadata;
      if (distributed.includes(target) || reference.has(target)) continue;
      reference.add(target);
      pending.push(target);
    }
  }
  for (const metadata of reference) {
    for (const foreignKey of metadata.foreignKeys) {
      if (distributed.includes(foreignKey.referencedEntityMetadata)) {
        problems.push(
          `shared table ${metadata.tableName} has a foreign key to tenant table ${foreignKey.referencedEntityMetadata.tableName}; a reference table cannot point at a distributed one. Make ${metadata.name} @TenantScoped or drop the relation's foreign key (createForeignKeyConstraints: false).`,
        );
      }
    }
  }
  const referenceOrder = referencedFirst([...reference]);
  const distributedOrder = referencedFirst(distributed);
  for (const { cycle } of [referenceOrder, distributedOrder]) {
    if (cycle) {
      problems.push(
        `foreign keys form a cycle (${cycle.map((metadata) => metadata.tableName).join(' -> ')}); distribute these tables by hand: drop one foreign key, distribute, re-add it.`,
      );
    }
  }
  return {
    tables: [
      ...referenceOrder.ordered.map((metadata): CitusTablePlan => ({ table: pathOf(metadata), kind: 'reference' })),
      ...distributedOrder.ordered.map((metadata): CitusTablePlan => ({
        table: pathOf(metadata),
        kind: 'distributed',
        column: distributedColumn(metadata),
      })),
    ],
    problems,
  };
}
