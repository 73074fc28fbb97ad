import { getMetadataArgsStorage, type DataSource, type EntityMetadata } from 'typeorm';
import { EntityMetadataBuilder } from 'typeorm/metadata-builder/EntityMetadataBuilder.js';
import { EntityMetadataValidator } from 'typeorm/metadata-builder/EntityMetadataValidator.js';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { TenancyConfigurationError } from '../errors/tenancy-configuration.error.js';
import { tenantColumnOf } from '../typeorm/tenant-metadata.js';
import { citusMetadataArgs } from './citus-keys.args.js';
import { patchCitusMultiTenantInsert } from './citus-insert.patch.js';
import { patchCitusIdMaps } from './citus-id-map.patch.js';
import { CitusRelationSubscriber } from './citus-relation.subscriber.js';
import { hasCitusKeys, markCitusKeys } from './citus-keys.state.js';

const swap = <T>(list: T[], from: T, to: T) => list.forEach((item, at) => item === from && (list[at] = to));

/**
 * TypeORM makes a join column that names an existing column point that
 * column at the relation, so the entity's own tenant value would be read from
 * the related object (undefined for `{ id }` references). The entity keeps a
 * plain tenant column, stamped from the context; the relation and its foreign
 * key get a copy that still knows the referenced column, for join conditions.
 */
function detachTenantColumn(metadata: EntityMetadata, tenant: ColumnMetadata): void {
  if (!tenant.relationMetadata) return;
  const joinCopy = Object.assign(Object.create(Object.getPrototypeOf(tenant) as object) as ColumnMetadata, tenant);
  for (const relation of metadata.relations) {
    swap(relation.joinColumns, tenant, joinCopy);
    for (const foreignKey of relation.foreignKeys) swap(foreignKey.columns, tenant, joinCopy);
  }
  for (const foreignKey of metadata.foreignKeys) swap(foreignKey.columns, tenant, joinCopy);
  for (const unique of metadata.uniques) swap(unique.columns, tenant, joinCopy);
  Object.assign(tenant, { relationMetadata: undefined, referencedColumn: undefined });
}

/**
 * Both sides of a junction between scoped entities reference the same tenant;
 * TypeORM would make two columns (tenant_id_1, tenant_id_2). One column keeps
 * the junction co-located with both sides and in both foreign keys.
 */
function mergeJunctionTenantColumns(junction: EntityMetadata, dataSource: DataSource): void {
  const isTenantRef = (column: ColumnMetadata) =>
    column.referencedColumn !== undefined && tenantColumnOf(column.referencedColumn.entityMetadata) === column.referencedColumn;
  const owner = junction.ownerColumns.find(isTenantRef);
  const inverse = junction.inverseColumns.find(isTenantRef);
  if (!owner || !inverse) return;
  const name = owner.referencedColumn!.databaseName;
  for (const column of [owner, inverse]) {
    Object.assign(column, { propertyName: name, givenDatabaseName: name });
    column.build(dataSource);
  }
  const keep = (column: ColumnMetadata) => column !== inverse;
  Object.assign(junction, {
    ownColumns: junction.ownColumns.filter(keep),
    columns: junction.columns.filter(keep),
    primaryColumns: junction.primaryColumns.filter(keep),
    nonVirtualColumns: junction.nonVirtualColumns.filter(keep),
  });
  junction.propertiesMap = junction.createPropertiesMap();
  for (const foreignKey of junction.foreignKeys) foreignKey.build(dataSource.namingStrategy);
}

/**
 * Rebuilds a DataSource's entity metadata with Citus-ready keys (see
 * citusMetadataArgs). Runs right after TypeORM built the metadata and before
 * synchronize or migrations, so the tables are created with these keys.
 */
export function applyCitusKeys(dataSource: DataSource): void {
  if (hasCitusKeys(dataSource)) return;
  if (dataSource.driver.options.type !== 'postgres') {
    throw new TenancyConfigurationError(
      'citus',
      `needs PostgreSQL with the Citus extension; this DataSource is '${dataSource.driver.options.type}'.`,
    );
  }
  const built = dataSource.entityMetadatas;
  const classes = built.filter((metadata) => typeof metadata.target === 'function' && metadata.tableType !== 'junction');
  const others = built.filter((metadata) => !classes.includes(metadata) && metadata.tableType !== 'junction');
  const storage = citusMetadataArgs(getMetadataArgsStorage(), built);
  const rebuilt = new EntityMetadataBuilder(dataSource, storage).build(classes.map((metadata) => metadata.target as () => void));
  for (const metadata of rebuilt) {
    const tenant = tenantColumnOf(metadata);
    if (tenant) detachTenantColumn(metadata, tenant);
    if (metadata.tableType === 'junction') mergeJunctionTenantColumns(metadata, dataSource);
    for (const foreignKey of metadata.foreignKeys) {
      // Citus refuses cascading updates on a key holding the distribution
      // column; keys of scoped rows never change (a tenant move is refused).
      const cascades = foreignKey.onUpdate === 'CASCADE' || foreignKey.onUpdate === 'SET NULL';
      if (cascades && tenantColumnOf(foreignKey.referencedEntityMetadata)) foreignKey.onUpdate = 'NO ACTION';
    }
  }
  const entityMetadatas = [...rebuilt, ...others];
  new EntityMetadataValidator().validateMany(
    entityMetadatas.filter((metadata) => metadata.tableType !== 'view'),
    dataSource.driver,
  );
  Object.assign(dataSource, {
    entityMetadatas,
    entityMetadatasMap: new Map(entityMetadatas.map((metadata) => [metadata.target, metadata])),
  });
  const subscribers = dataSource.subscribers as unknown[];
  if (!subscribers.some((subscriber) => subscriber instanceof CitusRelationSubscriber))
    subscribers.push(new CitusRelationSubscriber(dataSource));
  markCitusKeys(dataSource);
  patchCitusMultiTenantInsert();
  patchCitusIdMaps();
}
