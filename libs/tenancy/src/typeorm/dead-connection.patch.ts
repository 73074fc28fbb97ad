import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner.js';
import { DatabaseUnavailableError } from './database-unavailable.error.js';
import { databaseFailureOf } from './database-failure.js';
import { markPatched } from './patch-marks.js';

/** Why TypeORM released the runner: set when the release carried an error (the connection died). */
const LOST = Symbol('tenancy:connection-lost');
const GUARDED = Symbol('tenancy:error-listener');

interface RunnerInternals {
  isReleased: boolean;
  releasePostgresConnection(error?: unknown): Promise<void>;
  [LOST]?: unknown;
}

interface PgClientLike {
  on(event: 'error', listener: (error: Error) => void): unknown;
  [GUARDED]?: true;
}

interface PgPoolLike {
  on(event: 'acquire', listener: (client: PgClientLike) => void): unknown;
}

function asError(error: unknown): Error {
  const driverError = (error as { driverError?: unknown }).driverError;
  const original = driverError ?? error;
  return original instanceof Error ? original : new Error(String(original));
}

/**
 * A pg client that emits 'error' with no listener crashes the process.
 * pg-pool listens while a client idles and TypeORM while a runner holds it,
 * but TypeORM attaches its listener a microtask after pg-pool hands the
 * client over. A new client is handed over while its socket's data is being
 * parsed: when the same chunk carries the FATAL message of a backend
 * terminated right after start-up, 'error' fired with no listener and killed
 * the server (seen under pg_terminate_backend). The pool's synchronous
 * 'acquire' event closes the gap. The client is already marked not
 * queryable: its next statement fails and is handled below.
 */
function guardClient(client: PgClientLike): void {
  if (client[GUARDED]) return;
  client[GUARDED] = true;
  client.on('error', () => undefined);
}

/** The prototypes are process-wide, so is the record that they are wrapped. */
let installed = false;

/**
 * Opt-in (not part of tenancy, and it rewrites PostgresQueryRunner.query for
 * every DataSource of the process): call it once at start-up, before the
 * first PostgreSQL DataSource connects. Connection failures of PostgreSQL,
 * handled where TypeORM leaves gaps:
 * - TypeORM returns a client to the pool after a failed query even when the
 *   server has just terminated its backend (pg_terminate_backend, failover);
 *   the next unit of work, possibly another tenant's, then fails on the dead
 *   socket. Handing the error to the pool makes it discard the client.
 * - When a held client dies between two statements, TypeORM releases the
 *   runner and the next statement throws QueryRunnerAlreadyReleasedError, a
 *   500 that hides the cause; it is reported as the lost connection instead.
 * - Connection losses, refusals, pool acquire timeouts, statement and lock
 *   timeouts become DatabaseUnavailableError (a QueryFailedError), which the
 *   exception filter answers with 503 and Retry-After.
 */
export function recoverDeadPostgresConnections(): void {
  if (installed) return;
  installed = true;
  const proto = PostgresQueryRunner.prototype as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const query = proto.query;
  proto.query = async function (this: RunnerInternals, ...args: unknown[]) {
    const [sql, parameters] = args as [string, unknown[] | undefined];
    if (this.isReleased && this[LOST] !== undefined) {
      throw new DatabaseUnavailableError('DATABASE_UNAVAILABLE', sql, parameters, asError(this[LOST]));
    }
    try {
      return await query.apply(this, args);
    } catch (error) {
      const failure = databaseFailureOf(error);
      if (failure === undefined) throw error;
      if (failure === 'DATABASE_UNAVAILABLE') await this.releasePostgresConnection(error);
      throw new DatabaseUnavailableError(failure, sql, parameters, asError(error));
    }
  };
  const release = proto.releasePostgresConnection;
  proto.releasePostgresConnection = function (this: RunnerInternals, error?: unknown) {
    if (error !== undefined && !this.isReleased) this[LOST] = error;
    return release.call(this, error);
  };
  const driver = PostgresDriver.prototype as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const createPool = driver.createPool;
  driver.createPool = async function (this: unknown, ...args: unknown[]) {
    const pool = (await createPool.apply(this, args)) as PgPoolLike;
    pool.on('acquire', guardClient);
    return pool;
  };
  markPatched(PostgresQueryRunner.prototype, 'dead-connection');
}
