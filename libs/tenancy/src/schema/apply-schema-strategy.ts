import { LRUCache } from 'lru-cache';
import { DataSource, type EntityMetadata } from 'typeorm';
import { getCurrentTenant } from '../context/tenant-store.js';
import { isTenantScoped } from '../typeorm/tenant-metadata.js';
import { bindSchemaStrategy, schemaStrategyOf, type SchemaStrategyConfig } from './schema-strategy.registry.js';
import { tenantSchemaName } from './tenant-schema-name.js';
import { assertContextFits } from '../typeorm/tenant-context.check.js';

/**
 * A schema no tenant id can name ('!' is outside the schema-safe id alphabet):
 * a statement built without a tenant can only fail, never reach a real schema.
 * The row layer refuses such statements before SQL anyway.
 */
const NO_TENANT_SCHEMA = 'tenancy!no_tenant';
/** Tenants whose schema names stay built; past that the least recently used is built again when needed. */
const SCHEMA_NAMES_KEPT = 10_000;

/**
 * Scoped entities, the junction tables between two scoped entities, and the
 * closure table of a scoped closure-table tree (it holds the tree's
 * ancestor/descendant pairs: in the shared schema, one tenant's tree would
 * hold pairs of every tenant's ids).
 */
export function livesInTenantSchema(metadata: EntityMetadata): boolean {
  if (isTenantScoped(metadata)) return true;
  if (metadata.tableType === 'closure-junction') return isTenantScoped(metadata.parentClosureEntityMetadata);
  if (metadata.tableType !== 'junction') return false;
  return metadata.foreignKeys.every((key) => isTenantScoped(key.referencedEntityMetadata));
}

/**
 * The schema is resolved per statement from the tenant context and written
 * into the SQL as a qualified table name. No connection state (search_path)
 * is involved, so a pooled connection can never carry one tenant's schema
 * into another's unit of work, whatever happens to the connection.
 */
export function applySchemaStrategy(dataSource: DataSource, config: SchemaStrategyConfig): void {
  if (schemaStrategyOf(dataSource)) return;
  bindSchemaStrategy(dataSource, config);
  // TypeORM reads schema and tablePath many times per statement: the name of
  // a tenant's schema is checked and built once (a pure function of the id and
  // this DataSource's naming), not at every read.
  const names = new LRUCache<string, string>({ max: SCHEMA_NAMES_KEPT });
  // And the last one read, without the cache's bookkeeping: a statement reads it for one tenant many times over.
  let lastTenant: string | undefined;
  let lastName = NO_TENANT_SCHEMA;
  const schema = () => {
    assertContextFits(dataSource);
    const tenantId = getCurrentTenant();
    if (tenantId === undefined) return NO_TENANT_SCHEMA;
    if (tenantId === lastTenant) return lastName;
    let name = names.get(tenantId);
    if (name === undefined) names.set(tenantId, (name = tenantSchemaName(tenantId, config)));
    lastTenant = tenantId;
    lastName = name;
    return name;
  };
  for (const metadata of dataSource.entityMetadatas) {
    if (!livesInTenantSchema(metadata)) {
      if (!metadata.schema || metadata.schema === (dataSource.options as { schema?: string }).schema) {
        metadata.schema = config.sharedSchema;
        metadata.tablePath = dataSource.driver.buildTableName(metadata.tableName, config.sharedSchema, metadata.database);
      }
      continue;
    }
    // The last schema's path is kept: one statement reads it many times, for one tenant.
    let pathSchema: string | undefined;
    let pathTable = '';
    let path = '';
    Object.defineProperty(metadata, 'schema', { configurable: true, enumerable: true, get: schema, set: () => undefined });
    Object.defineProperty(metadata, 'tablePath', {
      configurable: true,
      enumerable: true,
      get: () => {
        const current = schema();
        if (current !== pathSchema || metadata.tableName !== pathTable) {
          path = dataSource.driver.buildTableName(metadata.tableName, current, metadata.database);
          pathSchema = current;
          pathTable = metadata.tableName;
        }
        return path;
      },
      set: () => undefined,
    });
  }
}
