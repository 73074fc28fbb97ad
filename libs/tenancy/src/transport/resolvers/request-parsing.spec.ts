import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TenantRequest } from '../tenant-request.js';
import { bearerToken } from './bearer-token.js';
import { SubdomainTenantResolver } from './subdomain.resolver.js';

const host = (hostname: string | undefined) => ({ hostname }) as TenantRequest;

describe('bearerToken', () => {
  it('reads Bearer tokens case-insensitively', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer   abc ')).toBe('abc');
  });

  it('leaves other schemes and absent headers to other authentication', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined();
  });

  it('an empty or split Bearer value is a bad token', () => {
    expect(() => bearerToken('Bearer')).toThrow(expect.objectContaining({ code: 'TENANT_TOKEN_INVALID' }));
    expect(() => bearerToken('Bearer a b')).toThrow(expect.objectContaining({ code: 'TENANT_TOKEN_INVALID' }));
  });

  it('answers exactly as the pattern it replaced, /^Bearer(?:\\s+(.*))?$/i', () => {
    const byPattern = (authorization: string) => {
      const match = /^Bearer(?:\s+(.*))?$/i.exec(authorization.trim());
      if (!match) return 'none';
      const token = match[1]?.trim();
      return !token || /\s/.test(token) ? 'invalid' : token;
    };
    const answer = (authorization: string) => {
      try {
        return bearerToken(authorization) ?? 'none';
      } catch {
        return 'invalid';
      }
    };
    const pieces = fc.constantFrom(
      'Bearer',
      'bearer',
      'BEARER',
      'Basic',
      'x',
      'a.b.c',
      ' ',
      '\t',
      '\n',
      '\r',
      '\u2028',
      '\u00a0',
      '\ufeff',
      '',
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 6 }), (parts) => {
        const authorization = parts.join('');
        expect(answer(authorization)).toBe(byPattern(authorization));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('SubdomainTenantResolver', () => {
  const resolver = new SubdomainTenantResolver({ baseDomain: '.App.Example.com.', ignore: ['WWW'] });

  it.each([
    ['acme.app.example.com', 'acme'],
    ['ACME.app.example.com.', 'acme'],
    ['acme.app.example.com:8080', 'acme'],
    ['a.b.app.example.com', 'a.b'],
  ])('%s names %s', (hostname, tenantId) => expect(resolver.resolve(host(hostname))).toEqual({ tenantId }));

  it.each(['app.example.com', 'www.app.example.com', 'acme.otherapp.example.com', 'example.com', undefined])('%s names none', (hostname) =>
    expect(resolver.resolve(host(hostname))).toBeUndefined(),
  );

  it('needs a base domain', () => expect(() => new SubdomainTenantResolver({ baseDomain: '' })).toThrow(/baseDomain/));
});
