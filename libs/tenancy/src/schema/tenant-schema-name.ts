import { assertValidTenantId } from '../context/tenant-id.js';
import { TenantIsolationError } from '../errors/tenant-isolation.error.js';

/** Characters that stay safe inside a quoted PostgreSQL identifier and a file name. */
const SCHEMA_SAFE_ID = /^[A-Za-z0-9_-]+$/;
const MAX_IDENTIFIER_BYTES = 63;

/**
 * Tenant T's schema is `prefix + T`. Only validated ids reach SQL, always as
 * quoted identifiers; an id whose schema name PostgreSQL would silently
 * truncate (over 63 bytes) is refused, or two tenants could share a schema.
 */
export function tenantSchemaName(tenantId: string, prefix: string): string {
  const id = assertValidTenantId(tenantId);
  if (!SCHEMA_SAFE_ID.test(id)) {
    throw new TenantIsolationError(
      'TENANT_INVALID',
      'Invalid tenant id for the schema strategy: only letters, digits, _ and - are allowed.',
    );
  }
  const name = prefix + id;
  if (Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES) {
    throw new TenantIsolationError(
      'TENANT_INVALID',
      `Invalid tenant id for the schema strategy: schema name "${prefix}" + id exceeds ${MAX_IDENTIFIER_BYTES} bytes.`,
    );
  }
  return name;
}

/** The tenant id of a schema name, or undefined for schemas that are not tenants'. */
export function tenantIdOfSchema(schema: string, prefix: string): string | undefined {
  if (!schema.startsWith(prefix)) return undefined;
  const id = schema.slice(prefix.length);
  return SCHEMA_SAFE_ID.test(id) ? id : undefined;
}
