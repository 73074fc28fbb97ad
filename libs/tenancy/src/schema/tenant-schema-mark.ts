/**
 * The comment the library puts on every schema it creates for a tenant. Only
 * marked schemas are tenants: a schema that merely starts with the prefix
 * (`tenant_x-archive`, made by hand for a backup) is not one, and is never
 * listed, migrated, entered, imported into or dropped as one.
 */
export const TENANT_SCHEMA_MARK = 'nestjs-tenancy:tenant';

/** SQL condition on a pg_namespace row: the schema carries the mark. */
export const MARKED_SCHEMA = `obj_description(oid, 'pg_namespace') = '${TENANT_SCHEMA_MARK}'`;
