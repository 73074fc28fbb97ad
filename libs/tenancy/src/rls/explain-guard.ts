import type { QueryRunner } from 'typeorm';
import { getCurrentTenant, isTenantFilterBypassed } from '../context/tenant-store.js';
import { TenantIsolationError } from '../errors/tenant-isolation.error.js';

/** Double-quoted identifiers (a column named "explain") are names, not the command. */
const QUOTED_IDENTIFIER = /"(?:[^"]|"")*"/g;
const EXPLAIN = /\bEXPLAIN\b/i;

/**
 * Under Row-Level Security the policies hide other tenants' rows, but
 * `EXPLAIN ANALYZE` reports how many rows the policy filtered out ("Rows
 * Removed by Filter"), and plain EXPLAIN shows the planner's estimates over
 * the whole table: an exact count of the other tenants' rows in one
 * statement. Inside a tenant such statements are refused, wherever the word
 * appears in the SQL text (a second statement, a DO block's EXECUTE string,
 * a literal): pass text values as parameters. A bypass may run them.
 */
export function refuseExplainInTenant(runner: QueryRunner): void {
  const check = (sql: unknown) => {
    if (typeof sql !== 'string' || getCurrentTenant() === undefined || isTenantFilterBypassed()) return;
    // Removing quoted names can only remove matches: text without the word at all (nearly every statement) is not copied.
    if (!EXPLAIN.test(sql) || !EXPLAIN.test(sql.replace(QUOTED_IDENTIFIER, '""'))) return;
    throw new TenantIsolationError(
      'TENANT_UNSUPPORTED_QUERY',
      'EXPLAIN is refused inside a tenant with Row-Level Security: its row counts and estimates cover every tenant. Run it inside bypassTenantFilter() (audited), and pass text containing the word as a parameter.',
    );
  };
  const query = runner.query.bind(runner);
  // Not async itself (one promise less per statement); a refusal still rejects, never throws.
  runner.query = ((sql: string, ...rest: unknown[]) => {
    try {
      check(sql);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return (query as (sql: string, ...rest: unknown[]) => Promise<unknown>)(sql, ...rest);
  }) as QueryRunner['query'];
  const stream = runner.stream.bind(runner);
  runner.stream = (async (sql: string, ...rest: unknown[]) => {
    check(sql);
    return (stream as (sql: string, ...rest: unknown[]) => Promise<unknown>)(sql, ...rest);
  }) as QueryRunner['stream'];
}
