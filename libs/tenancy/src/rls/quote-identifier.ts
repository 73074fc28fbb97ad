import { TenantRlsError } from '../errors/tenant-rls.error.js';

/**
 * `"name"` with embedded quotes doubled: PostgreSQL's own quoting rule, so any
 * table or column name is safe in DDL. NUL cannot be sent at all and an empty
 * name is never what the caller meant, so both are refused.
 */
export function quoteIdentifier(name: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.includes('\0')) {
    throw new TenantRlsError('TENANT_RLS_INVALID_IDENTIFIER', `Invalid SQL identifier ${JSON.stringify(name)}.`);
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"schema"."table"`, or `"table"` (found through search_path) without a schema. */
export function quoteTablePath(table: string, schema?: string): string {
  return schema ? `${quoteIdentifier(schema)}.${quoteIdentifier(table)}` : quoteIdentifier(table);
}
