import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JwtTenantResolver } from './jwt.resolver.js';

const SECRET = 'x'.repeat(32);
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = (key: typeof rsa.publicKey) => key.export({ type: 'spki', format: 'pem' }).toString();

const fails = (options: ConstructorParameters<typeof JwtTenantResolver>[0], message: RegExp) =>
  expect(() => new JwtTenantResolver(options)).toThrow(message);

describe('JwtTenantResolver key options fail start-up when unsafe', () => {
  it('needs exactly one key source', () => {
    fails({}, /exactly one of secret, publicKey or jwks; got none/);
    fails({ secret: SECRET, publicKey: pem(rsa.publicKey) }, /got secret, publicKey/);
  });

  it('refuses a secret shorter than 32 bytes', () => fails({ secret: 'short' }, /at least 32 bytes/));

  it('refuses a PEM key passed as an HMAC secret (algorithm confusion)', () =>
    fails({ secret: pem(rsa.publicKey) }, /looks like a PEM key/));

  it('never allows alg none', () => fails({ secret: SECRET, algorithms: ['HS256', 'none'] }, /"none"/));

  it('does not mix HMAC and public-key algorithms', () => {
    fails({ secret: SECRET, algorithms: ['RS256'] }, /"RS256" with a secret/);
    fails({ publicKey: pem(rsa.publicKey), algorithms: ['HS256'] }, /"HS256" with a public key/);
  });

  it('needs algorithms with a JWKS', () => fails({ jwks: { keys: [] } }, /must be given with jwks/));

  it('derives the algorithm of a public key: RS256, ES256', () => {
    expect(new JwtTenantResolver({ publicKey: pem(rsa.publicKey) })).toBeInstanceOf(JwtTenantResolver);
    expect(new JwtTenantResolver({ publicKey: ec.publicKey })).toBeInstanceOf(JwtTenantResolver);
    expect(new JwtTenantResolver({ publicKey: ec.publicKey.export({ format: 'jwk' }) as never })).toBeInstanceOf(JwtTenantResolver);
  });

  it('refuses an empty claim path', () => fails({ secret: SECRET, claim: [] }, /claim/));
});
