import { TenantRlsError } from '../errors/tenant-rls.error.js';

/**
 * `"name"` with embedded quotes doubled: PostgreSQL's own quoting rule, so any
 * table or column name is safe in DDL. NUL cannot be sent at all and an empty
 * name is never what the caller meant, so both are refused.
 */
export function quoteIdentifier(name: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.includes('\0')) {
    throw new TenantRlsError(
      'TENANT_RLS_INVALID_IDENTIFIER',
      `Invalid SQL identifier ${JSON.stringify(name)}: it must be a non-empty string without NUL. Pass the table (and column) names of the entity metadata, e.g. tenantRlsTables(dataSource).`,
    );
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"schema"."table"`, or `"table"` (found through search_path) without a schema. */
export function quoteTablePath(table: string, schema?: string): string {
  return schema ? `${quoteIdentifier(schema)}.${quoteIdentifier(table)}` : quoteIdentifier(table);
}
