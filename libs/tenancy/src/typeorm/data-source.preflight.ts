import { DataSource } from 'typeorm';
import { MigrationExecutor } from 'typeorm/migration/MigrationExecutor.js';
import { TenancyConfigurationError } from '../errors/tenancy-configuration.error.js';
import type { PgModule } from './pg-internals.js';
import { assertTenantCanary } from './bind-canary.js';
import { onMetadataBuilt } from './install-tenancy-patches.js';
import { patchesOf } from './patch-marks.js';
import { assertScopedEntityShapes } from './scoped-entity-shapes.js';
import { PG_INTERNALS, TYPEORM_INTERNALS, type InternalsHolder, type MemberShape } from './tenancy-internals.manifest.js';
import { tenantColumnOf } from './tenant-metadata.js';
import { describeTypeormCopy, isSupportedTypeorm, supportedTypeormRanges, typeormCopyOf } from './typeorm-copy.locator.js';

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
      `${CANNOT} ${holder.holder} (${classOf(target)}) has no ${member.shape} "${member.name}"${actual ? ` (found a ${actual})` : ''}, which the library wraps or reads to enforce isolation; ${copies(dataSource)}. Install a supported typeorm (${supportedTypeormRanges()}) and pg, and do not replace that member.`,
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

/** A DataSource class of another typeorm copy: the library patched its own copy only. */
function assertSingleTypeorm(dataSource: DataSource): void {
  const app = typeormCopyOf(dataSource.constructor);
  if (app.version !== undefined && !isSupportedTypeorm(app.version)) {
    throw new TenancyConfigurationError(
      null,
      `${CANNOT} typeorm ${describeTypeormCopy(app)} is not supported. nestjs-tenancy supports ${supportedTypeormRanges()}: install one of them.`,
    );
  }
  if (dataSource instanceof DataSource) return;
  const own = typeormCopyOf(DataSource);
  throw new TenancyConfigurationError(
    null,
    `${CANNOT} two copies of typeorm: the app's ${describeTypeormCopy(app)}, this library's ${describeTypeormCopy(own)}: install one. nestjs-tenancy patches the query builders of its own copy, so this DataSource's queries would run unfiltered. Make typeorm one shared dependency (check with npm ls typeorm, then npm dedupe or align the app's typeorm with nestjs-tenancy's peer dependency range).`,
  );
}

function assertTypeormInternals(dataSource: DataSource, features: PreflightFeatures): void {
  const qb = () => dataSource.createQueryBuilder();
  assertHolder(dataSource, TYPEORM_INTERNALS.dataSource, dataSource);
  assertHolder(dataSource, TYPEORM_INTERNALS.manager, dataSource.manager);
  assertHolder(dataSource, TYPEORM_INTERNALS.driver, dataSource.driver);
  const select = qb();
  assertHolder(dataSource, TYPEORM_INTERNALS.select, select);
  assertHolder(dataSource, TYPEORM_INTERNALS.expressionMap, select.expressionMap);
  assertHolder(dataSource, TYPEORM_INTERNALS.insert, qb().insert());
  assertHolder(dataSource, TYPEORM_INTERNALS.update, qb().update());
  assertHolder(dataSource, TYPEORM_INTERNALS.delete, qb().delete());
  const postgres = dataSource.options.type === 'postgres';
  if (postgres) {
    assertHolder(dataSource, TYPEORM_INTERNALS.postgresDriver, dataSource.driver);
    // Never connected (so nothing to release): it only shows which class the driver really hands out.
    assertHolder(dataSource, TYPEORM_INTERNALS.postgresQueryRunner, dataSource.driver.createQueryRunner('master'));
  }
  if (features.schema) {
    assertHolder(dataSource, TYPEORM_INTERNALS.schemaBuilder, dataSource.driver.createSchemaBuilder());
    assertHolder(dataSource, TYPEORM_INTERNALS.migrationExecutor, new MigrationExecutor(dataSource));
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
function assertMetadata(dataSource: DataSource): void {
  const scoped = dataSource.entityMetadatas.find((metadata) => tenantColumnOf(metadata));
  if (!scoped) return;
  assertHolder(dataSource, TYPEORM_INTERNALS.entityMetadata, scoped);
  const column = tenantColumnOf(scoped);
  if (column) assertHolder(dataSource, TYPEORM_INTERNALS.column, column);
  const relation = dataSource.entityMetadatas.flatMap((metadata) => metadata.relations)[0];
  if (relation) {
    const builder = dataSource.createQueryBuilder().relation(relation.entityMetadata.target, relation.propertyPath);
    assertHolder(dataSource, TYPEORM_INTERNALS.relation, builder);
  }
  assertScopedEntityShapes(dataSource);
  assertTenantCanary(dataSource);
}

const awaitingMetadata = new WeakSet<DataSource>();
let metadataHookRegistered = false;

function checkAfterMetadata(dataSource: DataSource): void {
  if (!awaitingMetadata.delete(dataSource)) return;
  assertMetadata(dataSource);
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
  assertSingleTypeorm(dataSource);
  assertTypeormInternals(dataSource, features);
  if (dataSource.entityMetadatas.length > 0) {
    assertMetadata(dataSource);
    return;
  }
  awaitingMetadata.add(dataSource);
  if (!metadataHookRegistered) {
    metadataHookRegistered = true;
    onMetadataBuilt(checkAfterMetadata);
  }
}
