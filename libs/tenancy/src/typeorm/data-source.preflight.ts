import { DataSource } from 'typeorm';
import { DriverUtils } from 'typeorm/driver/DriverUtils.js';
import { MigrationExecutor } from 'typeorm/migration/MigrationExecutor.js';
import { TenancyConfigurationError } from '../errors/tenancy-configuration.error.js';
import type { PgModule } from './pg-internals.js';
import { assertTenantCanary } from './bind-canary.js';
import { onMetadataBuilt } from './install-tenancy-patches.js';
import { patchesOf } from './patch-marks.js';
import { assertScopedEntityShapes } from './scoped-entity-shapes.js';
import { PG_INTERNALS, type InternalsHolder, type MemberShape } from './adapter/tenancy-internals.manifest.js';
import type { TypeormAdapter } from './adapter/typeorm-adapter.js';
import { selectTypeormAdapter, SUPPORTED_TYPEORM } from './adapter/typeorm-adapter.select.js';
import { describeTypeormCopy, typeormCopyOf } from './adapter/typeorm-copy.locator.js';
import { tenantColumnOf } from './tenant-metadata.js';

export interface PreflightFeatures {
  /** The schema strategy: its schema builder and migration executor members too. */
  schema?: boolean;
  /** Row-Level Security: the PostgreSQL query runner and pg members too. */
  rls?: boolean;
}

const CANNOT = 'nestjs-tenancy cannot protect this DataSource:';

function shapeOf(target: object, name: string): MemberShape | undefined {
  for (let object: object | null = target; object; object = Object.getPrototypeOf(object) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(object, name);
    if (!descriptor) continue;
    if (descriptor.get) return 'getter';
    if (typeof descriptor.value === 'function') return 'method';
    return descriptor.value === undefined ? undefined : 'property';
  }
  return undefined;
}

/** A property is any defined value (an entity's target is a class), plain or computed. */
const fits = (actual: MemberShape | undefined, expected: MemberShape) =>
  actual === expected || (expected === 'property' && actual !== undefined);

const classOf = (target: object) => (target.constructor as { name?: string } | undefined)?.name || 'anonymous class';

function copies(dataSource: DataSource): string {
  return `the DataSource's typeorm is ${describeTypeormCopy(typeormCopyOf(dataSource.constructor))}, this library's is ${describeTypeormCopy(typeormCopyOf(DataSource))}`;
}

function assertHolder(dataSource: DataSource, holder: InternalsHolder, target: object): void {
  for (const member of holder.members) {
    const actual = shapeOf(target, member.name);
    if (fits(actual, member.shape)) continue;
    throw new TenancyConfigurationError(
      null,
      `${CANNOT} ${holder.holder} (${classOf(target)}) has no ${member.shape} "${member.name}"${actual ? ` (found a ${actual})` : ''}, which the library wraps or reads to enforce isolation; ${copies(dataSource)}. Install a supported typeorm (${SUPPORTED_TYPEORM}) and pg, and do not replace that member.`,
    );
  }
  const patches = patchesOf(target);
  const missing = holder.patches.find((patch) => !patches.has(patch));
  if (missing !== undefined) {
    throw new TenancyConfigurationError(
      null,
      `${CANNOT} ${holder.holder} is a ${classOf(target)} that nestjs-tenancy did not patch (no "${missing}" patch on its prototype chain), so its queries would run unfiltered; ${copies(dataSource)}. Install one copy of typeorm, shared by the app and nestjs-tenancy.`,
    );
  }
}

/**
 * The adapter of the typeorm copy the DataSource really uses, picked from its
 * version (an unsupported one refuses); a DataSource class of another copy
 * refuses too: the library patched its own copy only.
 */
function assertSingleTypeorm(dataSource: DataSource): TypeormAdapter {
  const app = typeormCopyOf(dataSource.constructor);
  const typeorm = selectTypeormAdapter(app, dataSource.manager.constructor);
  if (dataSource instanceof DataSource) return typeorm;
  const own = typeormCopyOf(DataSource);
  throw new TenancyConfigurationError(
    null,
    `${CANNOT} two copies of typeorm: the app's ${describeTypeormCopy(app)}, this library's ${describeTypeormCopy(own)}: install one. nestjs-tenancy patches the query builders of its own copy, so this DataSource's queries would run unfiltered. Make typeorm one shared dependency (check with npm ls typeorm, then npm dedupe or align the app's typeorm with nestjs-tenancy's peer dependency range).`,
  );
}

function assertTypeormInternals(dataSource: DataSource, typeorm: TypeormAdapter, features: PreflightFeatures): void {
  const { internals } = typeorm;
  const qb = () => dataSource.createQueryBuilder();
  assertHolder(dataSource, internals.dataSource, dataSource);
  assertHolder(dataSource, internals.manager, dataSource.manager);
  assertHolder(dataSource, internals.driver, dataSource.driver);
  const select = qb();
  assertHolder(dataSource, internals.select, select);
  assertHolder(dataSource, internals.expressionMap, select.expressionMap);
  assertHolder(dataSource, internals.insert, qb().insert());
  assertHolder(dataSource, internals.update, qb().update());
  assertHolder(dataSource, internals.delete, qb().delete());
  assertHolder(dataSource, internals.driverUtils, DriverUtils);
  const postgres = dataSource.options.type === 'postgres';
  if (postgres) {
    assertHolder(dataSource, internals.postgresDriver, dataSource.driver);
    // Never connected (so nothing to release): it only shows which class the driver really hands out.
    assertHolder(dataSource, internals.postgresQueryRunner, dataSource.driver.createQueryRunner('master'));
  }
  if (features.schema) {
    assertHolder(dataSource, internals.schemaBuilder, dataSource.driver.createSchemaBuilder());
    assertHolder(dataSource, internals.migrationExecutor, new MigrationExecutor(dataSource));
  }
  if (features.rls && postgres) {
    const pg = (
      dataSource.driver as unknown as { postgres?: PgModule & { Client?: { prototype: object }; Connection?: { prototype: object } } }
    ).postgres;
    for (const key of ['Query', 'Client', 'Connection'] as const) {
      const prototype = (pg?.[key] as { prototype?: object } | undefined)?.prototype;
      if (!prototype) {
        throw new TenancyConfigurationError(
          null,
          `${CANNOT} rls needs pg.${key} from the "pg" package the driver loaded; it has none. Install pg 8 (the JavaScript client, not pg-native).`,
        );
      }
      assertHolder(dataSource, PG_INTERNALS[key], prototype);
    }
  }
}

/** Members of built metadata, the relation builder, the entity shapes and the canary. */
function assertMetadata(dataSource: DataSource, typeorm: TypeormAdapter): void {
  const { internals } = typeorm;
  const scoped = dataSource.entityMetadatas.find((metadata) => tenantColumnOf(metadata));
  if (!scoped) return;
  assertHolder(dataSource, internals.entityMetadata, scoped);
  const column = tenantColumnOf(scoped);
  if (column) assertHolder(dataSource, internals.column, column);
  const relation = dataSource.entityMetadatas.flatMap((metadata) => metadata.relations)[0];
  if (relation) {
    const builder = dataSource.createQueryBuilder().relation(relation.entityMetadata.target, relation.propertyPath);
    assertHolder(dataSource, internals.relation, builder);
  }
  assertScopedEntityShapes(dataSource);
  assertTenantCanary(dataSource);
}

const awaitingMetadata = new WeakMap<DataSource, TypeormAdapter>();
let metadataHookRegistered = false;

function checkAfterMetadata(dataSource: DataSource): void {
  const typeorm = awaitingMetadata.get(dataSource);
  if (!typeorm) return;
  awaitingMetadata.delete(dataSource);
  assertMetadata(dataSource, typeorm);
}

/**
 * Run when a DataSource is bound (TenancyModule, enableSchemaTenancy,
 * installTenantRls): the app refuses to start rather than run unfiltered
 * because of a wrong typeorm copy or version, a missing internal member, an
 * entity shape the filter cannot cover, or a filter that is not in force.
 * Checks that need the entity metadata wait for it when the DataSource is
 * not initialized yet, and then fail its initialize().
 */
export function preflightDataSource(dataSource: DataSource, features: PreflightFeatures = {}): void {
  const typeorm = assertSingleTypeorm(dataSource);
  assertTypeormInternals(dataSource, typeorm, features);
  if (dataSource.entityMetadatas.length > 0) {
    assertMetadata(dataSource, typeorm);
    return;
  }
  awaitingMetadata.set(dataSource, typeorm);
  if (!metadataHookRegistered) {
    metadataHookRegistered = true;
    onMetadataBuilt(checkAfterMetadata);
  }
}
