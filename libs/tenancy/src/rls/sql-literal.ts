import { TenantRlsError } from '../errors/tenant-rls.error.js';

/**
 * A string literal safe whatever `standard_conforming_strings` says: quotes
 * doubled, and with a backslash present the E'' form with backslashes doubled
 * (libpq's PQescapeLiteral rule). Only the simple protocol needs it; every
 * other path sends values as bound parameters.
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) {
    throw new TenantRlsError(
      'TENANT_RLS_INVALID_VALUE',
      'A SQL literal cannot contain NUL (PostgreSQL cannot store it): a table name or a tenant id has one. Check the entity table names, and that option "tenantIdPattern" rejects NUL.',
    );
  }
  const quoted = `'${value.replaceAll("'", "''").replaceAll('\\', '\\\\')}'`;
  return value.includes('\\') ? ` E${quoted}` : quoted;
}
