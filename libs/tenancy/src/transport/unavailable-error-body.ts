import type { DatabaseUnavailableError } from '../errors/database-unavailable.error.js';
import type { TenantBusyError } from '../errors/tenant-busy.error.js';
import type { TenantErrorBody } from './tenant-error-body.js';

/** A 503 body and how long the client should wait before retrying. */
export interface UnavailableErrorBody extends TenantErrorBody {
  retryAfterSeconds: number;
}

/** Seconds a client should wait after a lost connection or a database timeout. */
const DATABASE_RETRY_AFTER_SECONDS = 1;

const MESSAGES: Record<string, string> = {
  TENANT_BUSY: 'This tenant has too many requests in progress; retry shortly.',
  DATABASE_UNAVAILABLE: 'The database is unavailable; retry shortly.',
  DATABASE_TIMEOUT: 'The database did not answer in time; retry shortly.',
};

/**
 * Fixed public messages, as for refusals: the driver's message may carry SQL,
 * table names or host names and must not reach clients.
 */
export function unavailableErrorBody(error: TenantBusyError | DatabaseUnavailableError): UnavailableErrorBody {
  const retryAfterSeconds = error.code === 'TENANT_BUSY' ? (error as TenantBusyError).retryAfterSeconds : DATABASE_RETRY_AFTER_SECONDS;
  return { statusCode: 503, error: 'Service Unavailable', code: error.code, message: MESSAGES[error.code], retryAfterSeconds };
}
