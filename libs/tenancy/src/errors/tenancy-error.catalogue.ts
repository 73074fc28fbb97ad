/*
 * The one list of what the library raises. Clients, the exception filter and
 * log searches switch on codes, never on messages, so a released code is never
 * renamed. Each union below is the set one error class carries; adding a code
 * to one without an entry in TENANCY_ERRORS does not compile.
 */

/** An operation would cross, escape or lack a tenant boundary (TenantIsolationError). */
export type TenantIsolationErrorCode =
  | 'TENANT_REQUIRED'
  | 'TENANT_INVALID'
  | 'TENANT_MISMATCH'
  | 'TENANT_MOVE'
  | 'TENANT_UNSUPPORTED_QUERY'
  | 'TENANT_UNKNOWN'
  | 'TENANT_FORBIDDEN'
  | 'TENANT_BYPASS_FORBIDDEN'
  | 'TENANT_TOKEN_INVALID'
  | 'TENANT_AUDIT_UNAVAILABLE';

/** Creating, importing or dropping a tenant schema was refused (TenantProvisioningError). */
export type TenantProvisioningErrorCode = 'TENANT_SCHEMA_EXISTS' | 'TENANT_SCHEMA_UNMARKED' | 'TENANT_IMPORT_INVALID';

/** A misuse of the Row-Level Security helpers (TenantRlsError). */
export type TenantRlsErrorCode =
  'TENANT_RLS_INVALID_IDENTIFIER' | 'TENANT_RLS_INVALID_VALUE' | 'TENANT_RLS_NO_TRANSACTION' | 'TENANT_RLS_BYPASS_IN_TENANT';

/**
 * A statement failed for the database's reasons (DatabaseUnavailableError):
 * - `DATABASE_UNAVAILABLE`: the connection was lost (backend terminated,
 *   failover, reset) or none could be had (refused, pool acquire timeout);
 * - `DATABASE_TIMEOUT`: the statement was cancelled by `statement_timeout` or
 *   `lock_timeout`, or by an operator.
 */
export type DatabaseUnavailableCode = 'DATABASE_UNAVAILABLE' | 'DATABASE_TIMEOUT';

/** Every stable code of the library. */
export type TenancyErrorCode =
  | TenantIsolationErrorCode
  | TenantProvisioningErrorCode
  | TenantRlsErrorCode
  | DatabaseUnavailableCode
  | 'TENANCY_CONFIGURATION'
  | 'TENANT_BUSY';

/** The HTTP statuses the catalogue answers with. */
export type TenancyErrorStatus = 400 | 401 | 403 | 404 | 409 | 500 | 503;

export interface TenancyErrorEntry {
  /** HTTP status; microservice and WebSocket clients get it in the body. */
  status: TenancyErrorStatus;
  /**
   * What a client is told. Fixed, because the error's own message is for the
   * developer: it may name tables, tenants or the fix, and must not leave the server.
   */
  message: string;
  /** Worth retrying: the answer carries Retry-After with this many seconds (unless the error brings its own). */
  retryAfterSeconds?: number;
}

/** The public message of every code that means "the server's code or set-up is wrong", not the client's request. */
const SERVER_FAULT = 'The server is misconfigured or broke a tenancy rule; nothing was run. See the server log.';

/**
 * Status and public message per code. A developer's mistake that reaches a
 * request (a query the library cannot check, a misconfiguration, a misused
 * helper) is a 500, logged: a 403 would tell the client it asked for
 * something forbidden, when the server's code is what must change.
 */
export const TENANCY_ERRORS: Readonly<Record<TenancyErrorCode, TenancyErrorEntry>> = {
  TENANT_REQUIRED: { status: 400, message: 'This request must name a tenant.' },
  TENANT_INVALID: { status: 400, message: 'The tenant id is malformed.' },
  TENANT_UNKNOWN: { status: 404, message: 'Unknown or inactive tenant.' },
  TENANT_TOKEN_INVALID: { status: 401, message: 'The bearer token is invalid, expired or not signed by a trusted key.' },
  TENANT_FORBIDDEN: { status: 403, message: 'The credentials do not grant access to the requested tenant.' },
  TENANT_BYPASS_FORBIDDEN: { status: 403, message: 'This route reads across tenants and the caller is not allowed to.' },
  TENANT_MISMATCH: { status: 403, message: 'The request tried to write data of another tenant; nothing was written.' },
  TENANT_MOVE: { status: 403, message: 'Records cannot be moved to another tenant; nothing was written.' },
  // Not the client's fault and worth retrying: the audit store is down, so no bypass runs.
  TENANT_AUDIT_UNAVAILABLE: { status: 503, message: 'Cross-tenant access is unavailable while the audit log cannot record it.' },
  TENANT_UNSUPPORTED_QUERY: { status: 500, message: SERVER_FAULT },
  TENANT_SCHEMA_EXISTS: { status: 409, message: 'The tenant already exists; nothing was imported.' },
  TENANT_SCHEMA_UNMARKED: { status: 409, message: 'A schema of that name exists and is not a tenant schema; nothing was changed.' },
  TENANT_IMPORT_INVALID: { status: 400, message: 'The tenant export is not valid; nothing was imported.' },
  TENANT_RLS_INVALID_IDENTIFIER: { status: 500, message: SERVER_FAULT },
  TENANT_RLS_INVALID_VALUE: { status: 500, message: SERVER_FAULT },
  TENANT_RLS_NO_TRANSACTION: { status: 500, message: SERVER_FAULT },
  TENANT_RLS_BYPASS_IN_TENANT: { status: 500, message: SERVER_FAULT },
  TENANCY_CONFIGURATION: { status: 500, message: SERVER_FAULT },
  TENANT_BUSY: { status: 503, message: 'This tenant has too many requests in progress; retry shortly.', retryAfterSeconds: 1 },
  DATABASE_UNAVAILABLE: { status: 503, message: 'The database is unavailable; retry shortly.', retryAfterSeconds: 1 },
  DATABASE_TIMEOUT: { status: 503, message: 'The database did not answer in time; retry shortly.', retryAfterSeconds: 1 },
};

export function isTenancyErrorCode(code: unknown): code is TenancyErrorCode {
  return typeof code === 'string' && Object.hasOwn(TENANCY_ERRORS, code);
}
