import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TenantRequest } from '../tenant-request.js';
import { JwtTenantResolver } from './jwt.resolver.js';

const SECRET = 'unit-test-secret-of-at-least-32-bytes';
const request = (token: string) =>
  ({ header: (name: string) => (name === 'authorization' ? `Bearer ${token}` : undefined) }) as TenantRequest;
const sign = (claims: Record<string, unknown>, exp: number) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(exp).sign(new TextEncoder().encode(SECRET));

describe('JwtTenantResolver verified-token cache', () => {
  afterEach(() => vi.useRealTimers());

  it('a cached token is refused once it expires: the cache never outlives exp', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const now = Math.floor(Date.now() / 1000);
    const resolver = new JwtTenantResolver({ secret: SECRET, clockTolerance: 0 });
    const token = await sign({ tenant_id: 'a' }, now + 10);
    expect((await resolver.resolve(request(token)))?.tenantId).toBe('a');
    vi.setSystemTime(new Date((now + 5) * 1000));
    expect((await resolver.resolve(request(token)))?.tenantId).toBe('a');
    vi.setSystemTime(new Date((now + 11) * 1000));
    await expect(resolver.resolve(request(token))).rejects.toMatchObject({ code: 'TENANT_TOKEN_INVALID' });
  });

  it('an altered copy of a cached token is verified, and refused', async () => {
    const resolver = new JwtTenantResolver({ secret: SECRET });
    const token = await sign({ tenant_id: 'a' }, Math.floor(Date.now() / 1000) + 60);
    await resolver.resolve(request(token));
    const [header, , signature] = token.split('.');
    const payload = Buffer.from(JSON.stringify({ tenant_id: 'b', exp: Math.floor(Date.now() / 1000) + 60 })).toString('base64url');
    await expect(resolver.resolve(request(`${header}.${payload}.${signature}`))).rejects.toMatchObject({ code: 'TENANT_TOKEN_INVALID' });
  });

  it('cached claims are frozen, so one request cannot change what the next one sees', async () => {
    const resolver = new JwtTenantResolver({ secret: SECRET });
    const token = await sign({ tenant_id: ['a', 'b'], roles: ['user'] }, Math.floor(Date.now() / 1000) + 60);
    const first = await resolver.resolve(request(token));
    expect(() => (first!.principal!.claims.roles as string[]).push('admin')).toThrow();
    expect((await resolver.resolve(request(token)))!.principal!.claims.roles).toEqual(['user']);
  });

  it('a cache hit hands out the grant and principal derived at verification, not new copies', async () => {
    const resolver = new JwtTenantResolver({ secret: SECRET });
    const token = await sign({ tenant_id: ['a', 'b'], sub: 'u1' }, Math.floor(Date.now() / 1000) + 60);
    const [first, second] = [await resolver.resolve(request(token)), await resolver.resolve(request(token))];
    expect(second!.allowedTenants).toBe(first!.allowedTenants);
    expect(second!.principal).toBe(first!.principal);
    expect(Object.isFrozen(first!.allowedTenants) && Object.isFrozen(first!.principal)).toBe(true);
  });

  it('a verified token with a malformed tenant claim is refused every time and never cached', async () => {
    const resolver = new JwtTenantResolver({ secret: SECRET });
    const token = await sign({ tenant_id: [1, 2] }, Math.floor(Date.now() / 1000) + 60);
    await expect(resolver.resolve(request(token))).rejects.toMatchObject({ code: 'TENANT_TOKEN_INVALID' });
    await expect(resolver.resolve(request(token))).rejects.toMatchObject({ code: 'TENANT_TOKEN_INVALID' });
  });
});
