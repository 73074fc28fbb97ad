import { describe, expect, it } from 'vitest';
import type { PgClient } from '../typeorm/pg-internals.js';
import { isTransactionControl, sessionIdle } from './session-state.js';

describe('isTransactionControl: statements sent without the setting', () => {
  it('recognises one bare transaction-control command, in any case and spacing', () => {
    for (const sql of [
      'START TRANSACTION',
      'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE',
      'SAVEPOINT typeorm_1',
      'ROLLBACK TO SAVEPOINT typeorm_1',
      'RELEASE SAVEPOINT typeorm_1',
      'COMMIT',
      'ROLLBACK',
      '  begin',
      'begin work;',
      'Start  Transaction read only',
      'end',
      'abort;  ',
      'commit and chain',
    ]) {
      expect(isTransactionControl(sql), sql).toBe(true);
    }
  });

  it('anything that could carry another statement or hide the command gets the setting', () => {
    for (const sql of [
      'BEGIN; SELECT * FROM products',
      'COMMIT;SELECT 1',
      'ROLLBACK TO SAVEPOINT x; DELETE FROM products',
      '/* c */ BEGIN',
      '-- c\nCOMMIT',
      'SELECT 1; COMMIT',
      'BEGINNING',
      'ENDPOINTS',
      'SELECT * FROM products',
    ]) {
      expect(isTransactionControl(sql), sql).toBe(false);
    }
  });
});

describe('sessionIdle: the server says no transaction block is open', () => {
  const client = (status: string | null, pipeline = false): PgClient => ({
    query: () => undefined,
    getTransactionStatus: () => status,
    pipeline,
  });

  it('only an idle status from a client that is not pipelining counts', () => {
    expect(sessionIdle(client('I'))).toBe(true);
    expect(sessionIdle(client('T'))).toBe(false);
    expect(sessionIdle(client('E'))).toBe(false);
    expect(sessionIdle(client(null))).toBe(false);
    expect(sessionIdle(client('I', true))).toBe(false);
    expect(sessionIdle({ query: () => undefined })).toBe(false);
  });
});
