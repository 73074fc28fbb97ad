import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner.js';

/** SQLSTATEs after which the server has closed (or is closing) the session. */
const FATAL = /^(57P0[1-3]|08)/;

function isDeadConnection(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string; message?: string } }).driverError;
  const code = driverError?.code ?? (error as { code?: unknown }).code;
  if (typeof code === 'string' && FATAL.test(code)) return true;
  return /Connection terminated/i.test(driverError?.message ?? String((error as Error).message));
}

interface RunnerInternals {
  releasePostgresConnection(error?: unknown): Promise<void>;
}

/**
 * TypeORM returns a client to the pool after a failed query even when the
 * server has just terminated its backend (pg_terminate_backend, failover);
 * the next unit of work, possibly another tenant's request, then fails on the
 * dead socket. Handing the error to the pool makes it discard the client.
 */
export function patchDeadConnectionRelease(): void {
  const proto = PostgresQueryRunner.prototype as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const query = proto.query;
  proto.query = async function (this: RunnerInternals, ...args: unknown[]) {
    try {
      return await query.apply(this, args);
    } catch (error) {
      if (isDeadConnection(error)) await this.releasePostgresConnection(error);
      throw error;
    }
  };
}
