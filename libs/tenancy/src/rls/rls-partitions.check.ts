import type { DataSource } from 'typeorm';
import { TenancyConfigurationError } from '../errors/tenancy-configuration.error.js';
import { quoteTablePath } from './quote-identifier.js';
import { RLS_POLICIES } from './rls-settings.js';
import { tenantRlsTables } from './rls-tables.js';

/**
 * Every partition (at any depth) of a tenant-scoped table that lacks ENABLE,
 * FORCE or one of the four tenancy policies. The catalogs are readable by any
 * role, so the app role can run it.
 */
const UNPROTECTED_PARTITIONS = `
SELECT root.path AS parent, part.relid::regclass::text AS partition
FROM unnest($1::text[]) AS root(path)
CROSS JOIN LATERAL pg_partition_tree(to_regclass(root.path)) AS part
JOIN pg_class c ON c.oid = part.relid
WHERE part.relid <> to_regclass(root.path)
  AND (NOT c.relrowsecurity OR NOT c.relforcerowsecurity
       OR (SELECT count(*) FROM pg_policy p WHERE p.polrelid = part.relid AND p.polname = ANY($2::text[])) < $3)
ORDER BY 1, 2`;

/**
 * Refuses to run with a partition the policies do not cover: PostgreSQL
 * applies a partitioned table's policies only to reads through the parent,
 * so a partition attached after the policies were written would let any role
 * with the usual default privileges read every tenant's rows in it by name.
 */
export async function assertPartitionsProtected(dataSource: DataSource): Promise<void> {
  const paths = tenantRlsTables(dataSource).map((table) => quoteTablePath(table.table, table.schema));
  if (paths.length === 0) return;
  const policies = Object.values(RLS_POLICIES);
  const rows: Array<{ parent: string; partition: string }> = await dataSource.query(UNPROTECTED_PARTITIONS, [
    paths,
    policies,
    policies.length,
  ]);
  if (rows.length === 0) return;
  const list = rows.map((row) => `${row.partition} (of ${row.parent})`).join(', ');
  throw new TenancyConfigurationError(
    'rls',
    `found partitions of tenant-scoped tables without the tenancy policies: ${list}. Queried by name, they show every tenant's rows. ` +
      'Run syncTenantRls(dataSource) as the table owner, or call enableTenantRls(queryRunner, { table }) for the parent table ' +
      'in the migration that creates or attaches the partition (it covers every partition).',
  );
}
