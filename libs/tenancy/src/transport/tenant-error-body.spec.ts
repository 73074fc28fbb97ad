import { describe, expect, it } from 'vitest';
import { TenantIsolationError, type TenantIsolationErrorCode } from '../errors/tenant-isolation.error.js';
import { tenantErrorBody } from './tenant-error-body.js';

const body = (code: TenantIsolationErrorCode, credentialOnly = false) =>
  tenantErrorBody(new TenantIsolationError(code, `internal detail for ${code}: tenant b, token eyJ...`), { credentialOnly });

describe("tenantErrorBody: the issue's table", () => {
  it.each([
    ['TENANT_REQUIRED', 400, 'Bad Request'],
    ['TENANT_INVALID', 400, 'Bad Request'],
    ['TENANT_UNKNOWN', 404, 'Not Found'],
    ['TENANT_TOKEN_INVALID', 401, 'Unauthorized'],
    ['TENANT_FORBIDDEN', 403, 'Forbidden'],
    ['TENANT_BYPASS_FORBIDDEN', 403, 'Forbidden'],
    ['TENANT_MISMATCH', 403, 'Forbidden'],
    ['TENANT_MOVE', 403, 'Forbidden'],
    ['TENANT_UNSUPPORTED_QUERY', 403, 'Forbidden'],
    ['TENANT_AUDIT_UNAVAILABLE', 503, 'Service Unavailable'],
  ] as const)('%s is %i %s', (code, statusCode, error) => {
    expect(body(code)).toEqual({ statusCode, error, code, message: expect.any(String) });
  });

  it('a missing tenant is 401 when every resolver verifies a credential (JWT-only)', () => {
    expect(body('TENANT_REQUIRED', true)).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
  });

  it('never copies the internal message, which may name tenants or carry tokens', () => {
    expect(JSON.stringify(body('TENANT_MISMATCH'))).not.toMatch(/internal|tenant b|eyJ/);
  });
});
