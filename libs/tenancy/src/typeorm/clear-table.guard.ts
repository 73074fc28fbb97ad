import { DataSource, type QueryRunner } from 'typeorm';
import { TenantIsolationError } from '../errors/tenant-isolation.error.js';
import { resolveTableReference } from './table-reference.js';
import { resolveTenantScope } from './tenant-scope.js';

/**
 * `queryRunner.clearTable()` is a TRUNCATE (PostgreSQL) or an unfiltered
 * DELETE (SQLite) of every tenant's rows, sent as raw SQL. On a table of
 * tenant rows it runs only in a bypass (EntityManager.clear() uses it there)
 * or with the 'unfiltered' opt-out; inside a tenant it is refused, with no
 * tenant it is TENANT_REQUIRED.
 */
const guarded = new WeakSet<QueryRunner>();

function guardClearTable(dataSource: DataSource, runner: QueryRunner): void {
  // The SQLite drivers hand out one runner for every statement: wrapping it on
  // each createQueryRunner() would nest one more wrapper per query, for ever.
  if (guarded.has(runner)) return;
  guarded.add(runner);
  const clearTable = runner.clearTable.bind(runner);
  runner.clearTable = async (table, ...rest) => {
    const reference = resolveTableReference(dataSource, table);
    if (reference.kind !== 'other') {
      const scope = resolveTenantScope(dataSource, reference.metadata, 'queryRunner.clearTable()');
      if (scope.kind === 'tenant') {
        throw new TenantIsolationError(
          'TENANT_UNSUPPORTED_QUERY',
          `queryRunner.clearTable() on "${reference.metadata.name}" would empty the table for every tenant. Use repository.clear() (deletes the current tenant's rows only), or run it inside bypassTenantFilter().`,
        );
      }
    }
    return clearTable(table, ...rest);
  };
}

export function patchClearTable(): void {
  const proto = DataSource.prototype as unknown as { createQueryRunner(this: DataSource, ...args: unknown[]): QueryRunner };
  const createQueryRunner = proto.createQueryRunner;
  proto.createQueryRunner = function (this: DataSource, ...args: unknown[]) {
    const runner = createQueryRunner.apply(this, args);
    guardClearTable(this, runner);
    return runner;
  };
}
