import type { DataSource, EntityManager } from 'typeorm';

/**
 * `npm run test:citus` sets TEST_CITUS=1 and points TEST_POSTGRES_URL at a
 * Citus coordinator: the PostgreSQL dialect then builds Citus-keyed,
 * distributed tables, so the same suites run on a real cluster.
 */
export const onCitus = process.env.TEST_CITUS === '1';

export { taskCount } from '../../support/citus.js';

/**
 * The seeds plant cross-tenant references (a review of tenant a pointing at a
 * product of tenant b) to prove the filter does not follow them. Citus keys
 * make the database refuse such rows (the foreign key holds the tenant), so
 * on Citus they are planted with foreign key triggers off, on every node.
 */
export function withoutForeignKeyChecks<T>(dataSource: DataSource, fn: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (!onCitus) return fn(dataSource.manager);
  return dataSource.transaction(async (manager) => {
    await manager.query(`SET LOCAL citus.propagate_set_commands TO 'local'`);
    await manager.query(`SET LOCAL session_replication_role TO replica`);
    return fn(manager);
  });
}
