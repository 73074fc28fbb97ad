import { QueryFailedError } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { databaseFailureOf, isDeadConnection } from './database-failure.js';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });
const failed = (driverError: Error) => new QueryFailedError('SELECT 1', [], driverError);

describe('databaseFailureOf: which failures are the database’s, not the query’s', () => {
  it.each(['57P01', '57P02', '57P03', '08006', '08003', '53300'])('SQLSTATE %s is a lost or refused connection', (code) => {
    expect(databaseFailureOf(failed(pgError(code)))).toBe('DATABASE_UNAVAILABLE');
    expect(isDeadConnection(failed(pgError(code)))).toBe(true);
  });

  it.each(['ECONNREFUSED', 'ECONNRESET'])('socket error %s is unavailable', (code) => {
    expect(databaseFailureOf(pgError(code))).toBe('DATABASE_UNAVAILABLE');
  });

  it.each([
    'Connection terminated unexpectedly',
    'timeout exceeded when trying to connect',
    'Client has encountered a connection error and is not queryable',
  ])('driver message "%s" is unavailable', (message) => {
    expect(databaseFailureOf(new Error(message))).toBe('DATABASE_UNAVAILABLE');
  });

  it.each(['57014', '55P03'])('SQLSTATE %s (statement or lock timeout) is a timeout, and the connection stays usable', (code) => {
    expect(databaseFailureOf(failed(pgError(code)))).toBe('DATABASE_TIMEOUT');
    expect(isDeadConnection(failed(pgError(code)))).toBe(false);
  });

  it.each(['23505', '23503', '42P01', '22021', 'SQLITE_CONSTRAINT_UNIQUE'])('SQLSTATE %s is the query’s own failure', (code) => {
    expect(databaseFailureOf(failed(pgError(code)))).toBeUndefined();
  });

  it('non-errors are not failures', () => {
    expect(databaseFailureOf(undefined)).toBeUndefined();
    expect(databaseFailureOf('Connection terminated')).toBeUndefined();
  });
});
