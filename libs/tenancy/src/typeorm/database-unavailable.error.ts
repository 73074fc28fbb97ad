import { QueryFailedError } from 'typeorm';
import type { DatabaseUnavailableCode } from '../errors/tenancy-error.catalogue.js';

/**
 * A statement failed for a reason of the database's, not of the request's:
 * worth a retry, so HTTP answers 503 with Retry-After. It extends
 * QueryFailedError, so application code that catches query failures still
 * does; `driverError` is the driver's original error. The one error class
 * outside errors/, because it needs TypeORM; its code is in the catalogue.
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
