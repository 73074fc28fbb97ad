import type { DataSource, EntityMetadata, ObjectLiteral } from 'typeorm';
import { ClsServiceManager, type ClsStore } from 'nestjs-cls';
import { BYPASS_CLS_KEY, SETTINGS_CLS_KEY, TENANT_CLS_KEY } from '../constants.js';
import { matchesTenantIdPattern } from '../context/tenant-id.js';
import { currentTenantContextSettings, runInTenantContext, runWithTenant } from '../context/tenant-store.js';
import { tenancyOptionsFor } from './tenancy-data-source.registry.js';
import { TenancyConfigurationError } from '../errors/tenancy-configuration.error.js';
import { tenantColumnOf } from './tenant-metadata.js';

/** Ids for the canary tenant; the first that tenantIdPattern accepts is used. */
const CANARY_IDS = ['tenancy-canary', '00000000-0000-4000-8000-000000000000', '999999999'];

type Built = [string, unknown[]];

/** Runs under the settings of the module that bound the DataSource, when one did: the tenant must suit its pattern. */
function asCanaryTenant<T>(dataSource: DataSource, fn: (tenantId: string) => T): T {
  const settings = tenancyOptionsFor(dataSource).context ?? currentTenantContextSettings();
  const tenantId = CANARY_IDS.find((id) => matchesTenantIdPattern(id, settings.tenantIdPattern));
  if (tenantId !== undefined) return runInTenantContext(settings, () => runWithTenant(tenantId, () => fn(tenantId)));
  // A pattern none of them matches (e.g. /^org_\d{6}$/): the filter never validates, so any id shows it.
  const store = { [SETTINGS_CLS_KEY]: settings, [TENANT_CLS_KEY]: CANARY_IDS[0], [BYPASS_CLS_KEY]: undefined } as unknown as ClsStore;
  return ClsServiceManager.getClsService().runWith(store, () => fn(CANARY_IDS[0]));
}

function canaryEntity(dataSource: DataSource): EntityMetadata | undefined {
  return dataSource.entityMetadatas.find(
    (metadata) => tenantColumnOf(metadata) && (metadata.tableType === 'regular' || metadata.tableType === 'entity-child'),
  );
}

function refuse(kind: string, metadata: EntityMetadata, why: string): TenancyConfigurationError {
  return new TenancyConfigurationError(
    null,
    `nestjs-tenancy cannot protect this DataSource: the canary ${kind} for tenant-scoped entity "${metadata.name}", built inside a tenant and not executed, ${why}. The tenant filter is not in force on this DataSource's query builders: something replaced a method the library patches (a subclass, a plugin, another copy of typeorm or of nestjs-tenancy). Remove the override, or install a single copy of typeorm and of nestjs-tenancy.`,
  );
}

/**
 * The last bind-time check, end to end: a SELECT, an UPDATE and a DELETE of a
 * scoped entity must carry the tenant predicate, and an INSERT the tenant
 * stamp, in the SQL that TypeORM would send. Nothing is executed.
 */
export function assertTenantCanary(dataSource: DataSource): void {
  const metadata = canaryEntity(dataSource);
  if (!metadata) return;
  const column = tenantColumnOf(metadata);
  if (!column) return;
  const escaped = dataSource.driver.escape(column.databaseName);
  const target = metadata.target;
  asCanaryTenant(dataSource, (tenantId) => {
    const build = (kind: string, fn: () => Built): Built => {
      try {
        return fn();
      } catch (error) {
        throw refuse(kind, metadata, `could not be built (${(error as Error).message})`);
      }
    };
    const filtered = (kind: string, [sql, parameters]: Built) => {
      const where = sql.indexOf(' WHERE ');
      if (where === -1 || !sql.slice(where).includes(escaped) || !parameters.includes(tenantId)) {
        throw refuse(kind, metadata, `has no tenant predicate on ${escaped}: ${sql}`);
      }
    };
    filtered(
      'SELECT',
      build('SELECT', () => dataSource.createQueryBuilder(target, 'tenancy_canary').getQueryAndParameters()),
    );
    const values = { [column.propertyName]: tenantId } as ObjectLiteral;
    filtered(
      'UPDATE',
      build('UPDATE', () => dataSource.createQueryBuilder().update(target).set(values).getQueryAndParameters()),
    );
    filtered(
      'DELETE',
      build('DELETE', () => dataSource.createQueryBuilder().delete().from(target).getQueryAndParameters()),
    );
    const [insert, parameters] = build('INSERT', () =>
      dataSource.createQueryBuilder().insert().into(target).values({}).getQueryAndParameters(),
    );
    if (!insert.includes(escaped) || !parameters.includes(tenantId)) {
      throw refuse('INSERT', metadata, `carries no tenant stamp in ${escaped}: ${insert}`);
    }
  });
}
