import { createPublicKey, KeyObject, webcrypto, type JsonWebKey } from 'node:crypto';
import { createLocalJWKSet, type CryptoKey, type JSONWebKeySet, type JWK, type JWTVerifyGetKey, type KeyInput } from 'jose';
import { TenancyConfigurationError } from '../../errors/tenancy-configuration.error.js';

/** Exactly one of these: how tokens are checked. */
export interface JwtKeyOptions {
  /** HMAC secret (HS256/384/512), at least 32 bytes. */
  secret?: string | Uint8Array;
  /** RSA, EC or Ed25519 public key: PEM (SPKI), a Node KeyObject or a public JWK. */
  publicKey?: string | KeyObject | JWK;
  /** A local JSON Web Key Set; the token's `kid` picks the key. */
  jwks?: JSONWebKeySet;
  /** Accepted `alg` values. Defaults: HS256 for a secret, the key's own algorithm for a public key; required with `jwks`. */
  algorithms?: string[];
}

export interface JwtKey {
  key: KeyInput | JWTVerifyGetKey;
  algorithms: string[];
}

const option = (name: string) => `resolvers: JwtTenantResolver.${name}`;
const isHmac = (alg: string) => /^HS(256|384|512)$/.test(alg);

function defaultAlgorithm(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return 'RS256';
    case 'rsa-pss':
      return 'PS256';
    case 'ed25519':
      return 'EdDSA';
    case 'ec':
      if (curve === 'prime256v1') return 'ES256';
      if (curve === 'secp384r1') return 'ES384';
      if (curve === 'secp521r1') return 'ES512';
  }
  throw new TenancyConfigurationError(option('algorithms'), `must be given for a ${key.asymmetricKeyType} key.`);
}

function checkAlgorithms(algorithms: string[], hmac: boolean): string[] {
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw new TenancyConfigurationError(option('algorithms'), 'must list at least one algorithm.');
  }
  for (const alg of algorithms) {
    // Mixing families would let a token signed with the public key as an HMAC secret pass.
    if (alg.toLowerCase() === 'none' || isHmac(alg) !== hmac) {
      throw new TenancyConfigurationError(
        option('algorithms'),
        `cannot include ${JSON.stringify(alg)} with a ${hmac ? 'secret' : 'public key'}.`,
      );
    }
  }
  return algorithms;
}

/**
 * One imported HMAC key per allowed algorithm, imported once: handing jose the
 * raw bytes would import them again on every verification, which doubles its cost.
 */
function hmacKeys(secret: Uint8Array, algorithms: string[]): JWTVerifyGetKey {
  const keys = new Map<string, Promise<CryptoKey>>();
  return ({ alg }) => {
    // jose checks `alg` against the allow-list before asking for a key.
    if (!algorithms.includes(alg)) throw new Error('algorithm not allowed');
    let key = keys.get(alg);
    if (!key) {
      const hash = `SHA-${alg.slice(2)}`;
      key = webcrypto.subtle.importKey('raw', secret, { name: 'HMAC', hash }, false, ['verify']) as Promise<CryptoKey>;
      keys.set(alg, key);
    }
    return key;
  };
}

/** Turns the key options into what jose verifies with; fails start-up on weak or ambiguous keys. */
export function jwtKey(options: JwtKeyOptions): JwtKey {
  const given = (['secret', 'publicKey', 'jwks'] as const).filter((name) => options[name] !== undefined);
  if (given.length !== 1) {
    throw new TenancyConfigurationError(
      option('secret'),
      `needs exactly one of secret, publicKey or jwks; got ${given.length === 0 ? 'none' : given.join(', ')}.`,
    );
  }
  if (options.secret !== undefined) {
    const secret = typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret;
    if (secret.byteLength < 32) throw new TenancyConfigurationError(option('secret'), 'must be at least 32 bytes long.');
    if (typeof options.secret === 'string' && options.secret.includes('-----BEGIN')) {
      throw new TenancyConfigurationError(option('secret'), 'looks like a PEM key; pass it as publicKey.');
    }
    const algorithms = checkAlgorithms(options.algorithms ?? ['HS256'], true);
    return { key: hmacKeys(secret, algorithms), algorithms };
  }
  if (options.publicKey !== undefined) {
    const source = options.publicKey;
    const key =
      source instanceof KeyObject
        ? source
        : typeof source === 'string'
          ? createPublicKey(source)
          : createPublicKey({ key: source as JsonWebKey, format: 'jwk' });
    if (key.type !== 'public') throw new TenancyConfigurationError(option('publicKey'), 'must be a public key.');
    return { key, algorithms: checkAlgorithms(options.algorithms ?? [defaultAlgorithm(key)], false) };
  }
  if (options.algorithms === undefined) {
    throw new TenancyConfigurationError(option('algorithms'), "must be given with jwks, e.g. ['RS256'].");
  }
  return { key: createLocalJWKSet(options.jwks as JSONWebKeySet), algorithms: checkAlgorithms(options.algorithms, false) };
}
