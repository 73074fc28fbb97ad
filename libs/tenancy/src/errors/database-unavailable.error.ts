import { QueryFailedError } from 'typeorm';

/**
 * - `DATABASE_UNAVAILABLE`: the connection was lost (backend terminated,
 *   failover, reset) or none could be had (refused, pool acquire timeout);
 * - `DATABASE_TIMEOUT`: the statement was cancelled by `statement_timeout` or
 *   `lock_timeout`, or by an operator.
 */
export type DatabaseUnavailableCode = 'DATABASE_UNAVAILABLE' | 'DATABASE_TIMEOUT';

/**
 * A statement failed for a reason of the database's, not of the request's:
 * worth a retry, so HTTP answers 503 with Retry-After. It extends
 * QueryFailedError, so application code that catches query failures still
 * does; `driverError` is the driver's original error.
 */
export class DatabaseUnavailableError extends QueryFailedError {
  constructor(
    readonly code: DatabaseUnavailableCode,
    query: string,
    parameters: unknown[] | undefined,
    driverError: Error,
  ) {
    super(query, parameters, driverError);
  }
}
