import type { DatabaseUnavailableCode } from '../errors/tenancy-error.catalogue.js';

/**
 * SQLSTATEs after which the server has closed (or is closing) the session:
 * 57P01-57P03 admin/crash shutdown or "cannot connect now", class 08
 * connection exceptions, 53300 too many connections.
 */
const CONNECTION_LOST = /^(57P0[1-3]|08|53300$)/;
/** 57014 query_canceled (statement_timeout, pg_cancel_backend), 55P03 lock_not_available (lock_timeout). */
const TIMED_OUT = /^(57014|55P03)$/;
/** Socket-level errors of the driver (no SQLSTATE). */
const SOCKET = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/**
 * pg and pg-pool messages for a connection that died or never came:
 * "Connection terminated unexpectedly", "Connection terminated due to
 * connection timeout", "timeout exceeded when trying to connect" (pool
 * acquire timeout), "Client has encountered a connection error and is not queryable".
 */
const MESSAGES = /Connection terminated|timeout exceeded when trying to connect|not queryable|Connection ended unexpectedly/i;

interface DriverErrorShape {
  code?: unknown;
  message?: unknown;
  driverError?: DriverErrorShape;
  cause?: unknown;
}

/** Which kind of database failure `error` is, or undefined for an ordinary query error (a constraint, bad SQL). */
export function databaseFailureOf(error: unknown): DatabaseUnavailableCode | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const shape = error as DriverErrorShape;
  const driver = shape.driverError ?? shape;
  const code = typeof driver.code === 'string' ? driver.code : undefined;
  if (code !== undefined && TIMED_OUT.test(code)) return 'DATABASE_TIMEOUT';
  if (code !== undefined && (CONNECTION_LOST.test(code) || SOCKET.has(code))) return 'DATABASE_UNAVAILABLE';
  if (typeof driver.message === 'string' && MESSAGES.test(driver.message)) return 'DATABASE_UNAVAILABLE';
  return undefined;
}

/** The connection itself is gone: it must not go back to the pool. */
export function isDeadConnection(error: unknown): boolean {
  return databaseFailureOf(error) === 'DATABASE_UNAVAILABLE';
}
