import { QueryFailedError } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { TenancyError } from '../errors/tenancy-error.js';
import { DatabaseUnavailableError } from './database-unavailable.error.js';

describe('DatabaseUnavailableError', () => {
  const error = new DatabaseUnavailableError(
    'DATABASE_TIMEOUT',
    'SELECT 1',
    [],
    Object.assign(new Error('canceling statement'), { code: '57014' }),
  );

  it('is still a QueryFailedError, so catch blocks written for query failures keep working', () => {
    expect(error).toBeInstanceOf(QueryFailedError);
    expect(error.driverError).toMatchObject({ code: '57014' });
  });

  it('carries its catalogued code (not the SQLSTATE), so the exception filter answers it', () => {
    expect(error.code).toBe('DATABASE_TIMEOUT');
    expect(error instanceof TenancyError).toBe(true);
    expect(new QueryFailedError('SELECT 1', [], Object.assign(new Error('x'), { code: '57014' })) instanceof TenancyError).toBe(false);
  });
});
