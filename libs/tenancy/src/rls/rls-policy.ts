import { DEFAULT_TENANT_COLUMN } from '../constants.js';
import { quoteIdentifier, quoteTablePath } from './quote-identifier.js';
import { RLS_BYPASS_ON, RLS_BYPASS_SETTING, RLS_POLICIES, RLS_TENANT_SETTING } from './rls-settings.js';
import { quoteLiteral } from './sql-literal.js';
import { TenantRlsError } from '../errors/tenant-rls.error.js';

/** One tenant-scoped table to protect. */
export interface TenantRlsTable {
  table: string;
  /** Default: the connection's search_path (usually `public`). */
  schema?: string;
  /** Default `tenant_id`; must match `@TenantScoped({ column })`. */
  column?: string;
  /**
   * For a junction table (no tenant column): the scoped tables its rows link.
   * A row is visible and writable when every linked scoped row is, so the
   * owners' own policies decide; `column` is then unused.
   */
  owners?: TenantRlsOwner[];
}

/** A scoped table a junction table points at, and the column pairs of that foreign key. */
export interface TenantRlsOwner {
  table: string;
  schema?: string;
  /** `{ junction: "productsId", owner: "id" }` for each column of the foreign key. */
  columns: Array<{ junction: string; owner: string }>;
}

export interface TenantRlsStatements {
  up: string[];
  down: string[];
}

/**
 * The row is visible and writable when the bypass setting is on, or when its
 * tenant equals the tenant setting. `missing_ok = true` makes an unset setting
 * NULL instead of an error, and NULLIF turns the '' a setting keeps after its
 * transaction ended into NULL too: either way `column = NULL` matches nothing.
 * The sub-selects make each setting an InitPlan, read once per statement
 * instead of once per row (about 2.5x faster on a sequential scan).
 */
function tenantRlsPredicate(column: string): string {
  return (
    `((SELECT current_setting('${RLS_BYPASS_SETTING}', true)) = '${RLS_BYPASS_ON}'` +
    ` OR ${quoteIdentifier(column)} = (SELECT NULLIF(current_setting('${RLS_TENANT_SETTING}', true), '')))`
  );
}

/**
 * The junction row's check: each linked scoped row exists as the current role
 * sees it, i.e. through that table's own tenant policy (policies apply inside
 * a policy's sub-select too). A link to another tenant's row is invisible and
 * cannot be inserted, updated or deleted.
 */
export function junctionRlsPredicate(target: TenantRlsTable, owners: TenantRlsOwner[]): string {
  const self = quoteIdentifier(target.table);
  const owner = quoteIdentifier('tenancy_owner');
  const exists = owners.map((entry) => {
    const on = entry.columns.map((pair) => `${owner}.${quoteIdentifier(pair.owner)} = ${self}.${quoteIdentifier(pair.junction)}`);
    return `EXISTS (SELECT 1 FROM ${quoteTablePath(entry.table, entry.schema)} ${owner} WHERE ${on.join(' AND ')})`;
  });
  return `(${exists.join(' AND ')})`;
}

/** Stands for the table in statement templates; quoteIdentifier refuses NUL, so no real name contains it. */
const TABLE = '\u0000table\u0000';
const DO_TAG = '$tenancy_partitions$';

function templates(check: string): TenantRlsStatements {
  const drops = Object.values(RLS_POLICIES).map((name) => `DROP POLICY IF EXISTS ${quoteIdentifier(name)} ON ${TABLE}`);
  const policy = (name: string, clause: string) => `CREATE POLICY ${quoteIdentifier(name)} ON ${TABLE} ${clause}`;
  return {
    up: [
      `ALTER TABLE ${TABLE} ENABLE ROW LEVEL SECURITY`,
      `ALTER TABLE ${TABLE} FORCE ROW LEVEL SECURITY`,
      ...drops,
      policy(RLS_POLICIES.select, `FOR SELECT USING ${check}`),
      policy(RLS_POLICIES.insert, `FOR INSERT WITH CHECK ${check}`),
      policy(RLS_POLICIES.update, `FOR UPDATE USING ${check} WITH CHECK ${check}`),
      policy(RLS_POLICIES.delete, `FOR DELETE USING ${check}`),
    ],
    down: [...drops, `ALTER TABLE ${TABLE} NO FORCE ROW LEVEL SECURITY`, `ALTER TABLE ${TABLE} DISABLE ROW LEVEL SECURITY`],
  };
}

/**
 * PostgreSQL applies a partitioned table's policies to rows read through the
 * parent only: a partition queried by name obeys its own (none by default).
 * So the same statements run on every partition the table has when they run,
 * found then by the database itself (a committed migration stays right
 * when partitions were added since it was generated). Partitions attached
 * later are caught at start-up (assertPartitionsProtected).
 */
function forEachPartition(table: string, statements: string[]): string {
  const root = quoteLiteral(table);
  const body = statements
    .map((sql) => `    EXECUTE format(${quoteLiteral(sql.replaceAll('%', '%%').replaceAll(TABLE, '%s'))}, part);`)
    .join('\n');
  const block = `DO ${DO_TAG}
DECLARE part regclass;
BEGIN
  FOR part IN SELECT relid FROM pg_partition_tree(to_regclass(${root})) WHERE relid <> to_regclass(${root}) LOOP
${body}
  END LOOP;
END ${DO_TAG}`;
  if (block.split(DO_TAG).length !== 3) {
    throw new TenantRlsError(
      'TENANT_RLS_INVALID_IDENTIFIER',
      `Invalid SQL identifier in ${JSON.stringify(table)}: it contains ${DO_TAG}, which would end the policy block early. Rename the table.`,
    );
  }
  return block;
}

/**
 * ENABLE applies the policies to ordinary roles; FORCE applies them to the
 * table owner as well, so the owner role is not a silent way around them
 * (superusers and BYPASSRLS roles still are: docs/rls.md, "Roles"). `up` drops
 * before creating, so it can run again over an older version of the policies.
 * Both cover the table's partitions too.
 */
export function tenantRlsStatements(target: TenantRlsTable): TenantRlsStatements {
  const table = quoteTablePath(target.table, target.schema);
  const check = target.owners?.length
    ? junctionRlsPredicate(target, target.owners)
    : tenantRlsPredicate(target.column ?? DEFAULT_TENANT_COLUMN);
  const { up, down } = templates(check);
  const onTable = (sql: string) => sql.replaceAll(TABLE, table);
  return {
    up: [...up.map(onTable), forEachPartition(table, up)],
    down: [forEachPartition(table, down), ...down.map(onTable)],
  };
}
