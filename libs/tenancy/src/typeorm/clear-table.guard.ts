import { DataSource, type QueryRunner } from 'typeorm';
import { TenantIsolationError } from '../errors/tenant-isolation.error.js';
import type { TypeormAdapter } from './adapter/typeorm-adapter.js';
import { resolveTableReference } from './table-reference.js';
import { resolveTenantScope } from './tenant-scope.js';

// Runner classes whose clearTable is wrapped: prototypes are process-wide by nature, so is this record.
const guardedClasses = new WeakSet<object>();

/**
 * `queryRunner.clearTable()` is a TRUNCATE (PostgreSQL) or an unfiltered
 * DELETE (SQLite) of every tenant's rows, sent as raw SQL. On a table of
 * tenant rows it runs only in a bypass (EntityManager.clear() uses it there)
 * or with the 'unfiltered' opt-out; inside a tenant it is refused, with no
 * tenant it is TENANT_REQUIRED.
 *
 * Wrapped once on the runner's own class, not on each runner: the
 * PostgreSQL driver builds a runner per statement, and a wrapper per runner
 * cost a closure and a bound function on every query.
 */
function guardClearTable(typeorm: TypeormAdapter, runnerClass: QueryRunner): void {
  guardedClasses.add(runnerClass);
  const clearTable = runnerClass.clearTable;
  runnerClass.clearTable = async function (this: QueryRunner, table, ...rest) {
    const dataSource = typeorm.dataSourceOf(this);
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
    return clearTable.call(this, table, ...rest);
  };
}

export function patchClearTable(typeorm: TypeormAdapter): void {
  const proto = DataSource.prototype as unknown as { createQueryRunner(this: DataSource, ...args: unknown[]): QueryRunner };
  const createQueryRunner = proto.createQueryRunner;
  proto.createQueryRunner = function (this: DataSource, ...args: unknown[]) {
    const runner = createQueryRunner.apply(this, args);
    const runnerClass = Object.getPrototypeOf(runner) as QueryRunner;
    if (!guardedClasses.has(runnerClass)) guardClearTable(typeorm, runnerClass);
    return runner;
  };
}
