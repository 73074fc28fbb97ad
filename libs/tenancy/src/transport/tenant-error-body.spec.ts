import { describe, expect, it } from 'vitest';
import { TENANCY_ERRORS, type TenancyErrorCode } from '../errors/tenancy-error.catalogue.js';
import { TenantBusyError } from '../errors/tenant-busy.error.js';
import { tenantErrorBody } from './tenant-error-body.js';

const CODES = Object.keys(TENANCY_ERRORS) as TenancyErrorCode[];
const raised = (code: TenancyErrorCode) =>
  Object.assign(new Error(`internal detail for ${code}: tenant b, table "secret_things", token eyJ...`), { code });
const body = (code: TenancyErrorCode, credentialOnly = false) => tenantErrorBody(raised(code), { credentialOnly });

describe('tenantErrorBody answers from the catalogue', () => {
  it.each(CODES)('%s: the catalogue status, its reason phrase and fixed message', (code) => {
    const { status, message, retryAfterSeconds } = TENANCY_ERRORS[code];
    expect(body(code)).toEqual({
      statusCode: status,
      error: expect.stringMatching(/^[A-Z][A-Za-z ]+$/),
      code,
      message,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  });

  it.each([
    [400, 'Bad Request'],
    [404, 'Not Found'],
    [409, 'Conflict'],
    [500, 'Internal Server Error'],
    [503, 'Service Unavailable'],
  ])('status %i is "%s"', (status, reason) => {
    const code = CODES.find((c) => TENANCY_ERRORS[c].status === status)!;
    expect(body(code).error).toBe(reason);
  });

  it('a missing tenant is 401 when every resolver verifies a credential (JWT-only)', () => {
    expect(body('TENANT_REQUIRED', true)).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect(body('TENANT_UNKNOWN', true)).toMatchObject({ statusCode: 404 });
  });

  it('a query the library cannot check is the server’s bug: 500, not 403', () => {
    expect(body('TENANT_UNSUPPORTED_QUERY')).toMatchObject({ statusCode: 500, error: 'Internal Server Error' });
  });

  it("TENANT_BUSY tells the client the tenant's own wait", () => {
    expect(tenantErrorBody(new TenantBusyError('a', 7))).toMatchObject({ statusCode: 503, retryAfterSeconds: 7 });
  });

  it('never copies the internal message, which may name tenants, tables or carry tokens', () => {
    for (const code of CODES) expect(JSON.stringify(body(code))).not.toMatch(/internal|tenant b|secret_things|eyJ/);
  });
});
