import { assertValidTenantId } from '../context/tenant-id.js';
import { assertTenantIdInContext } from '../context/tenant-store.js';
import { TenancyConfigurationError } from '../errors/tenancy-configuration.error.js';
import { TenantIsolationError } from '../errors/tenant-isolation.error.js';

/** Characters that stay safe inside a quoted PostgreSQL identifier and a file name. */
const SCHEMA_SAFE_ID = /^[A-Za-z0-9_-]+$/;
const MAX_IDENTIFIER_BYTES = 63;
/** PostgreSQL's own schemas (pg_* is reserved to the system) and the default one: never a tenant's. */
const RESERVED_SCHEMAS = ['public', 'information_schema', 'pg_catalog', 'pg_toast'];

/** How tenant schemas are named, and the schema they must never be. */
export interface SchemaNaming {
  prefix: string;
  sharedSchema: string;
  /** The tenantIdPattern of the TenancyModule that bound the strategy; checked as well as the context's. */
  tenantIdPattern?: RegExp;
}

/** Never a tenant's: the shared schema, PostgreSQL's own schemas and the default one. */
function canBeTenantSchema(schema: string, naming: SchemaNaming): boolean {
  return schema !== naming.sharedSchema && !schema.startsWith('pg_') && !RESERVED_SCHEMAS.includes(schema);
}

/**
 * The shared schema can never be a tenant's: a shared schema that starts with
 * the prefix would make tenant `common` of `tenant_common` the shared schema
 * (listed as a tenant, and dropTenantSchema('common') would drop every shared
 * table). Likewise a prefix that starts a reserved name (pg_, public,
 * information_schema) would let a tenant id name a system schema.
 */
export function assertSchemaNaming(naming: SchemaNaming): void {
  const { prefix, sharedSchema } = naming;
  if (sharedSchema.startsWith(prefix)) {
    throw new TenancyConfigurationError(
      'schema.sharedSchema',
      `"${sharedSchema}" starts with the tenant prefix "${prefix}", so tenant "${sharedSchema.slice(prefix.length)}" would map onto the shared schema and dropTenantSchema() would drop every shared table. Use a shared schema outside the prefix (e.g. 'public') or another prefix.`,
    );
  }
  if (sharedSchema.startsWith('pg_') || sharedSchema === 'information_schema') {
    throw new TenancyConfigurationError(
      'schema.sharedSchema',
      `"${sharedSchema}" is a PostgreSQL system schema; use your own (e.g. 'public').`,
    );
  }
  const reserved = prefix.startsWith('pg_') ? 'pg_*' : [...RESERVED_SCHEMAS, 'pg_*'].find((name) => name.startsWith(prefix));
  if (reserved !== undefined) {
    throw new TenancyConfigurationError(
      'schema.prefix',
      `"${prefix}" would let a tenant id name the reserved schema "${reserved}". Use a prefix such as 'tenant_'.`,
    );
  }
}

/**
 * Tenant T's schema is `prefix + T`. Only validated ids reach SQL, always as
 * quoted identifiers; an id whose schema name PostgreSQL would silently
 * truncate (over 63 bytes) is refused, or two tenants could share a schema;
 * so is one that names the shared schema or a reserved one.
 */
export function tenantSchemaName(tenantId: string, naming: SchemaNaming): string {
  const id = assertTenantIdInContext(tenantId);
  if (naming.tenantIdPattern) assertValidTenantId(id, naming.tenantIdPattern);
  if (!SCHEMA_SAFE_ID.test(id)) {
    throw new TenantIsolationError(
      'TENANT_INVALID',
      'Invalid tenant id for the schema strategy: only letters, digits, _ and - are allowed.',
    );
  }
  const name = naming.prefix + id;
  if (Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES) {
    throw new TenantIsolationError(
      'TENANT_INVALID',
      `Invalid tenant id for the schema strategy: schema name "${naming.prefix}" + id exceeds ${MAX_IDENTIFIER_BYTES} bytes.`,
    );
  }
  if (!canBeTenantSchema(name, naming)) {
    throw new TenantIsolationError(
      'TENANT_INVALID',
      `Invalid tenant id for the schema strategy: its schema "${name}" is the shared schema or a reserved one, never a tenant's.`,
    );
  }
  return name;
}

/** The tenant id of a schema name, or undefined for schemas that are not tenants' (the shared and reserved ones included). */
export function tenantIdOfSchema(schema: string, naming: SchemaNaming): string | undefined {
  if (!schema.startsWith(naming.prefix) || !canBeTenantSchema(schema, naming)) return undefined;
  const id = schema.slice(naming.prefix.length);
  return SCHEMA_SAFE_ID.test(id) ? id : undefined;
}
