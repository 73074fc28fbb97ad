import { describe, expect, it } from 'vitest';
import { TenancyConfigurationError } from './tenancy-configuration.error.js';
import { TenancyError } from './tenancy-error.js';
import { TenantBusyError } from './tenant-busy.error.js';
import { TenantIsolationError } from './tenant-isolation.error.js';
import { TenantProvisioningError } from './tenant-provisioning.error.js';
import { TenantRlsError } from './tenant-rls.error.js';

describe('TenancyError matches every catalogued error by its code', () => {
  it.each([
    new TenantIsolationError('TENANT_MISMATCH', 'x'),
    new TenantProvisioningError('TENANT_IMPORT_INVALID', 'x'),
    new TenantRlsError('TENANT_RLS_NO_TRANSACTION', 'x'),
    new TenancyConfigurationError('rls', 'x'),
    new TenantBusyError('a', 1),
    // The same code raised by another copy of the library (a dual CJS/ESM install).
    Object.assign(new Error('x'), { code: 'TENANT_REQUIRED' }),
  ])('%s', (error) => {
    expect(error instanceof TenancyError).toBe(true);
  });

  it.each([
    ['a driver error (SQLSTATE)', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['a socket error', Object.assign(new Error('reset'), { code: 'ECONNRESET' })],
    ['an Error without a code', new Error('TENANT_REQUIRED')],
    ['a plain object with a catalogued code', { code: 'TENANT_REQUIRED', message: 'x' }],
    ['null', null],
  ])('but not %s', (_name, value) => {
    expect(value instanceof TenancyError).toBe(false);
  });

  it('leaves instanceof of the concrete classes as it was', () => {
    expect(new TenantRlsError('TENANT_RLS_INVALID_VALUE', 'x') instanceof TenantIsolationError).toBe(false);
    expect(new TenantIsolationError('TENANT_MOVE', 'x') instanceof TenantIsolationError).toBe(true);
  });
});
