import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isTenancyErrorCode, TENANCY_ERRORS, type TenancyErrorCode } from './tenancy-error.catalogue.js';

/**
 * The statuses clients rely on, written out once more: a change to the
 * catalogue must change this table on purpose. Typed by the code union, so a
 * new code does not compile until it is listed here too.
 */
const STATUS: Record<TenancyErrorCode, number> = {
  TENANT_REQUIRED: 400,
  TENANT_INVALID: 400,
  TENANT_IMPORT_INVALID: 400,
  TENANT_TOKEN_INVALID: 401,
  TENANT_FORBIDDEN: 403,
  TENANT_BYPASS_FORBIDDEN: 403,
  TENANT_MISMATCH: 403,
  TENANT_MOVE: 403,
  TENANT_UNKNOWN: 404,
  TENANT_SCHEMA_EXISTS: 409,
  TENANT_SCHEMA_UNMARKED: 409,
  TENANT_UNSUPPORTED_QUERY: 500,
  TENANCY_CONFIGURATION: 500,
  TENANT_RLS_INVALID_IDENTIFIER: 500,
  TENANT_RLS_INVALID_VALUE: 500,
  TENANT_RLS_NO_TRANSACTION: 500,
  TENANT_RLS_BYPASS_IN_TENANT: 500,
  TENANT_AUDIT_UNAVAILABLE: 503,
  TENANT_BUSY: 503,
  DATABASE_UNAVAILABLE: 503,
  DATABASE_TIMEOUT: 503,
};

const CODES = Object.keys(STATUS) as TenancyErrorCode[];

describe('the error catalogue', () => {
  it('maps every code, and nothing else', () => {
    expect(Object.keys(TENANCY_ERRORS).sort()).toEqual([...CODES].sort());
  });

  it.each(CODES)('%s answers its status', (code) => {
    expect(TENANCY_ERRORS[code].status).toBe(STATUS[code]);
  });

  it("a developer's mistake (unsupported query, configuration, misused RLS helper) is never a 403 nor another 4xx", () => {
    const developerMistakes = CODES.filter(
      (code) => code === 'TENANT_UNSUPPORTED_QUERY' || code === 'TENANCY_CONFIGURATION' || code.startsWith('TENANT_RLS_'),
    );
    expect(developerMistakes).toHaveLength(6);
    for (const code of developerMistakes) expect(TENANCY_ERRORS[code].status).toBe(500);
  });

  it('exactly the outages a client should retry carry a Retry-After', () => {
    const retryable = CODES.filter((code) => TENANCY_ERRORS[code].retryAfterSeconds !== undefined).sort();
    expect(retryable).toEqual(['DATABASE_TIMEOUT', 'DATABASE_UNAVAILABLE', 'TENANT_BUSY']);
  });

  it('every public message is a sentence that names no tenant, table or token', () => {
    for (const code of CODES) expect(TENANCY_ERRORS[code].message).toMatch(/^[A-Z][^"{}$]*\.$/);
  });

  it('isTenancyErrorCode knows the codes and nothing inherited or foreign', () => {
    expect(CODES.every(isTenancyErrorCode)).toBe(true);
    for (const other of ['toString', '__proto__', 'constructor', '23505', 'ECONNRESET', '', undefined, 42]) {
      expect(isTenancyErrorCode(other)).toBe(false);
    }
  });
});

describe("README's errors section", () => {
  const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### Errors'), readme.indexOf('\n### ', readme.indexOf('### Errors') + 1));

  it.each(CODES)('lists %s with its status', (code) => {
    const row = section.split('\n').find((line) => line.startsWith('|') && line.includes(`\`${code}\``));
    expect(row, `no row for ${code}`).toBeDefined();
    expect(row!.split('|')[2]).toContain(String(STATUS[code]));
  });
});
