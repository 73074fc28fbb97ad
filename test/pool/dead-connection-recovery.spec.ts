import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseUnavailableError, recoverDeadPostgresConnections, runWithTenant } from 'nestjs-tenancy';
import { QueryFailedError } from 'typeorm';
import { CATALOG_ENTITIES, Product } from '../support/catalog.entities.js';
import { DIALECTS, type TestDataSource } from '../support/dialects.js';
import { superuserQuery } from '../support/postgres.js';

/**
 * The fix of TypeORM's PostgreSQL pool is opt-in and not part of tenancy
 * (PostgreSQL only: SQLite has no pool or backend to lose). Binding tenancy
 * alone rewrites no PostgresQueryRunner; recoverDeadPostgresConnections()
 * maps lost connections and timeouts to DatabaseUnavailableError (503 with
 * Retry-After through the exception filter) and keeps dead clients out of the pool.
 */
const postgres = DIALECTS.find((dialect) => dialect.name === 'postgres')!;

describe('recoverDeadPostgresConnections (postgres)', () => {
  let db: TestDataSource;
  beforeAll(async () => {
    db = await postgres.open(CATALOG_ENTITIES, { poolSize: 2 });
  });
  afterAll(() => db?.close());

  const timeout = () =>
    db.dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL statement_timeout = 20`);
      await manager.query(`SELECT pg_sleep(1)`);
    });

  it('is off until called: a scoped DataSource alone leaves TypeORM errors as they are', async () => {
    await expect(runWithTenant('a', () => db.dataSource.getRepository(Product).count())).resolves.toBe(0);
    const error = await timeout().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(QueryFailedError);
    expect(error).not.toBeInstanceOf(DatabaseUnavailableError);
  });

  it('once called, a statement timeout is DATABASE_TIMEOUT, still a QueryFailedError', async () => {
    recoverDeadPostgresConnections();
    recoverDeadPostgresConnections(); // idempotent: wrapped once
    const error = await timeout().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error).toBeInstanceOf(QueryFailedError);
    expect(error).toMatchObject({ code: 'DATABASE_TIMEOUT' });
  });

  it('a backend terminated mid-statement is DATABASE_UNAVAILABLE, and the pool serves the next unit of work', async () => {
    const busy = db.dataSource.query(`SELECT pg_sleep(5) /* recovery probe */`).catch((caught: unknown) => caught);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await superuserQuery(
      db.database!,
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(5) /* recovery probe */%' AND pid <> pg_backend_pid()`,
    );
    expect(await busy).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
    const results = await Promise.all([db.dataSource.query('SELECT 1 AS one'), db.dataSource.query('SELECT 1 AS one')]);
    expect(results).toEqual([[{ one: 1 }], [{ one: 1 }]]);
  });
});
