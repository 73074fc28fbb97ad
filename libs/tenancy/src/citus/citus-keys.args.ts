import type { EntityMetadata } from 'typeorm';
import { MetadataArgsStorage } from 'typeorm/metadata-args/MetadataArgsStorage.js';
import type { ColumnMetadataArgs } from 'typeorm/metadata-args/ColumnMetadataArgs.js';
import type { IndexMetadataArgs } from 'typeorm/metadata-args/IndexMetadataArgs.js';
import type { JoinColumnMetadataArgs } from 'typeorm/metadata-args/JoinColumnMetadataArgs.js';
import type { UniqueMetadataArgs } from 'typeorm/metadata-args/UniqueMetadataArgs.js';
import type { RelationMetadata } from 'typeorm/metadata/RelationMetadata.js';
import { findTenantScoped } from '../typeorm/tenant-scoped.registry.js';

type Columns = UniqueMetadataArgs['columns'];
/** The arg lists are readonly for decorators; this private copy is ours to fill. */
type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** Adds the tenant property to a unique/index column list, keeping the list's form. */
function withTenant(columns: Columns, tenantProperty: string): Columns {
  if (columns === undefined) return columns;
  if (typeof columns === 'function') {
    const original = columns;
    return (object?: Record<string, unknown>) => {
      const listed = original(object);
      return Array.isArray(listed) ? [...listed, object?.[tenantProperty]] : { ...listed, [tenantProperty]: 1 };
    };
  }
  return columns.includes(tenantProperty) ? columns : [...columns, tenantProperty];
}

const scopedTarget = (target: unknown) => (typeof target === 'function' ? findTenantScoped(target) : undefined);
const isScoped = (metadata: EntityMetadata) => scopedTarget(metadata.target) !== undefined;

/** The join column args that re-create a relation's current join columns plus the tenant column. */
function tenantJoinColumns(relation: RelationMetadata, tenantColumn: string, tenantProperty: string): JoinColumnMetadataArgs[] {
  const own = relation.joinColumns.map((column) => ({
    target: relation.target,
    propertyName: relation.propertyName,
    name: column.databaseNameWithoutPrefixes,
    referencedColumnName: column.referencedColumn?.propertyName,
    foreignKeyConstraintName: relation.foreignKeys[0]?.name,
  }));
  return [
    ...own,
    { target: relation.target, propertyName: relation.propertyName, name: tenantColumn, referencedColumnName: tenantProperty },
  ];
}

/**
 * A copy of TypeORM's decorator metadata in which every scoped entity is
 * keyed the way Citus needs: the tenant column joins the primary key, every
 * unique constraint and unique index, and the join columns of every relation
 * between scoped entities (many-to-one, owning one-to-one, and both sides of
 * a many-to-many junction). `built` is the DataSource's ordinary metadata,
 * which already resolved relation targets and default join column names.
 * The global storage is never changed: other DataSources of the same
 * entities (SQLite tests, a non-Citus replica) keep their own keys.
 */
export function citusMetadataArgs(global: MetadataArgsStorage, built: EntityMetadata[]): MetadataArgsStorage {
  const result = new MetadataArgsStorage();
  const storage = result as unknown as Writable<MetadataArgsStorage>;
  const copy = storage as unknown as Record<string, unknown[]>;
  const source = global as unknown as Record<string, unknown[]>;
  for (const key of Object.keys(copy)) copy[key] = [...source[key]];

  const extraUniques: UniqueMetadataArgs[] = [];
  storage.columns = global.columns.map((arg): ColumnMetadataArgs => {
    const scoped = scopedTarget(arg.target);
    if (!scoped) return arg;
    if (arg.propertyName === scoped.property) return { ...arg, options: { ...arg.options, primary: true } };
    if (arg.options.unique === true) {
      extraUniques.push({ target: arg.target, columns: [arg.propertyName, scoped.property] });
      return { ...arg, options: { ...arg.options, unique: false } };
    }
    return arg;
  });
  storage.uniques = [
    ...global.uniques.map((arg) => {
      const scoped = scopedTarget(arg.target);
      return scoped ? { ...arg, columns: withTenant(arg.columns, scoped.property) } : arg;
    }),
    ...extraUniques,
  ];
  storage.indices = global.indices.map((arg): IndexMetadataArgs => {
    const scoped = scopedTarget(arg.target);
    return scoped && arg.unique ? { ...arg, columns: withTenant(arg.columns, scoped.property) } : arg;
  });

  for (const metadata of built.filter(isScoped)) {
    const scoped = scopedTarget(metadata.target)!;
    for (const relation of metadata.ownRelations) {
      if (relation.embeddedMetadata || !isScoped(relation.inverseEntityMetadata)) continue;
      if (relation.isManyToManyOwner) {
        const junction = relation.junctionEntityMetadata!;
        const key = { target: relation.target, propertyName: relation.propertyName };
        const side = (columns: typeof junction.ownerColumns): JoinColumnMetadataArgs[] => [
          ...columns.map((column) => ({ ...key, name: column.databaseName, referencedColumnName: column.referencedColumn?.propertyName })),
          { ...key, name: scoped.column, referencedColumnName: scoped.property },
        ];
        storage.joinTables = storage.joinTables.map((arg) =>
          arg.target === relation.target && arg.propertyName === relation.propertyName
            ? {
                ...arg,
                name: junction.tableNameWithoutPrefix,
                joinColumns: side(junction.ownerColumns),
                inverseJoinColumns: side(junction.inverseColumns),
              }
            : arg,
        );
      } else if (relation.isWithJoinColumn && relation.joinColumns.length > 0) {
        if (relation.joinColumns.some((column) => column.databaseName === scoped.column)) continue;
        const replaced = (arg: JoinColumnMetadataArgs) => arg.target === relation.target && arg.propertyName === relation.propertyName;
        storage.joinColumns = [
          ...storage.joinColumns.filter((arg) => !replaced(arg)),
          ...tenantJoinColumns(relation, scoped.column, scoped.property),
        ];
        if (relation.onDelete === 'SET NULL') {
          // The key now holds the tenant column, which SET NULL would clear
          // too (NOT NULL), and Citus refuses SET NULL on a key with
          // the distribution column: such a relation gets no foreign key.
          storage.relations = storage.relations.map((arg) =>
            arg.target === relation.target && arg.propertyName === relation.propertyName
              ? { ...arg, options: { ...arg.options, createForeignKeyConstraints: false } }
              : arg,
          );
        }
      }
    }
  }
  return result;
}
