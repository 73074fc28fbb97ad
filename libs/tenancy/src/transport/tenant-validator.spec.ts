import { DEFAULT_TENANT_CONTEXT_SETTINGS } from '../context/tenant-context.settings.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { resolveHttpOptions } from './tenancy-http-options.validator.js';
import type { TenancyHttpOptions, TenantValidationContext } from './tenancy-http-options.js';
import type { TenantRequest } from './tenant-request.js';
import { TenantValidator } from './tenant-validator.js';

const request = { transport: 'http', header: () => undefined, params: {}, route: 'GET /', raw: {} } as unknown as TenantRequest;
const alice: TenantValidationContext = { request, principal: { subject: 'alice', claims: { iss: 'idp' } } };
const verified = { principalVerified: true };

function validator(options: TenancyHttpOptions, answer: (tenantId: string) => boolean | Promise<boolean> = () => true) {
  const calls: string[] = [];
  const resolved = resolveHttpOptions({
    validateTenant: (tenantId) => (calls.push(tenantId), answer(tenantId)),
    ...options,
  });
  return { validator: new TenantValidator({ ...resolved, context: DEFAULT_TENANT_CONTEXT_SETTINGS }), calls };
}

describe('TenantValidator', () => {
  it('reuses an answer for the same tenant and verified subject; concurrent lookups share one call', async () => {
    const { validator: v, calls } = validator({}, async () => (await sleep(5), true));
    await Promise.all([v.isValid('a', alice, verified), v.isValid('a', alice, verified)]);
    await v.isValid('a', alice, verified);
    expect(calls).toEqual(['a']);
  });

  it('does not cache an unverified principal, nor a request with none, by default', async () => {
    const { validator: v, calls } = validator({});
    await v.isValid('a', alice);
    await v.isValid('a', alice);
    await v.isValid('a', { request, principal: undefined }, verified);
    await v.isValid('a', { request, principal: undefined }, verified);
    expect(calls).toEqual(['a', 'a', 'a', 'a']);
  });

  it('an app-given key decides; undefined skips the cache', async () => {
    let key: string | undefined = 'k';
    const { validator: v, calls } = validator({ validationCache: { key: () => key } });
    await v.isValid('a', alice);
    await v.isValid('a', alice);
    key = undefined;
    await v.isValid('a', alice);
    expect(calls).toEqual(['a', 'a']);
  });

  it('a failed lookup is not cached, and invalidate(tenantId) drops that tenant only', async () => {
    let fail = true;
    const { validator: v, calls } = validator({ validationCache: { key: () => '' } }, (tenantId) => {
      if (fail) throw new Error('tenant store down');
      return tenantId === 'a';
    });
    await expect(v.isValid('a', alice)).rejects.toThrow('tenant store down');
    fail = false;
    expect(await v.isValid('a', alice)).toBe(true);
    expect(await v.isValid('b', alice)).toBe(false);
    v.invalidate('a');
    await v.isValid('a', alice);
    await v.isValid('b', alice);
    expect(calls).toEqual(['a', 'a', 'b', 'a']);
  });

  it('ttl 0 (or validationCache: false) caches nothing', async () => {
    const { validator: v, calls } = validator({ validationCache: false });
    await v.isValid('a', alice, verified);
    await v.isValid('a', alice, verified);
    expect(calls).toEqual(['a', 'a']);
  });

  it('a principal object changed in place between requests is a new caller: no answer of the old subject is reused', async () => {
    const { validator: v, calls } = validator({}, (tenantId) => tenantId === 'a');
    const principal = { subject: 'alice', claims: { iss: 'idp' } as Record<string, unknown> };
    const ctx: TenantValidationContext = { request, principal };
    expect(await v.isValid('a', ctx, verified)).toBe(true);
    (principal as { subject: string }).subject = 'mallory';
    expect(await v.isValid('a', ctx, verified)).toBe(true);
    principal.claims.iss = 'other-idp';
    expect(await v.isValid('a', ctx, verified)).toBe(true);
    expect(calls).toEqual(['a', 'a', 'a']);
    expect(await v.isValid('b', ctx, verified)).toBe(false);
    expect(await v.isValid('a', ctx, verified)).toBe(true);
    expect(calls).toEqual(['a', 'a', 'a', 'b']);
  });
});
