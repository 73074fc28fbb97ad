import { DEFAULT_TENANT_ID_PATTERN } from '../constants.js';
import { describe, expect, it } from 'vitest';
import type { TenantRequest } from './tenant-request.js';
import type { TenantResolution, TenantResolver } from './tenant-resolver.interface.js';
import { resolveRequest } from './tenant-resolution.js';

const request = {} as TenantRequest;
const fixed = (found: TenantResolution | undefined): TenantResolver => ({ resolve: () => found });

describe('resolveRequest', () => {
  it('no resolver naming a tenant gives none', async () => {
    expect(await resolveRequest([fixed(undefined)], request, DEFAULT_TENANT_ID_PATTERN)).toEqual({
      tenantId: undefined,
      principal: undefined,
      principalVerified: false,
      outsideGrant: false,
    });
  });

  it('sources naming the same tenant agree', async () => {
    expect((await resolveRequest([fixed({ tenantId: 'a' }), fixed({ tenantId: 'a' })], request, DEFAULT_TENANT_ID_PATTERN)).tenantId).toBe(
      'a',
    );
  });

  it('sources naming different tenants are refused with TENANT_FORBIDDEN', async () => {
    await expect(
      resolveRequest([fixed({ tenantId: 'a' }), fixed({ tenantId: 'b' })], request, DEFAULT_TENANT_ID_PATTERN),
    ).rejects.toMatchObject({
      code: 'TENANT_FORBIDDEN',
    });
  });

  it('an invalid id from any source is TENANT_INVALID', async () => {
    await expect(resolveRequest([fixed({ tenantId: 'a b' })], request, DEFAULT_TENANT_ID_PATTERN)).rejects.toMatchObject({
      code: 'TENANT_INVALID',
    });
  });

  it('a tenant named before a credential is still checked against its grant', async () => {
    const principal = { subject: 'u', claims: {} };
    const result = await resolveRequest(
      [fixed({ tenantId: 'b' }), fixed({ allowedTenants: ['a'], principal })],
      request,
      DEFAULT_TENANT_ID_PATTERN,
    );
    expect(result).toEqual({ tenantId: 'b', principal, principalVerified: false, outsideGrant: true });
  });

  it('an empty grant allows no tenant', async () => {
    expect(
      (await resolveRequest([fixed({ allowedTenants: [] }), fixed({ tenantId: 'a' })], request, DEFAULT_TENANT_ID_PATTERN)).outsideGrant,
    ).toBe(true);
  });
});
