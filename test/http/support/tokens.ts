import { exportSPKI, generateKeyPair, SignJWT, type JWTPayload } from 'jose';

export const HS_SECRET = 'test-secret-of-the-catalog-api-0123456789';
export const ISSUER = 'https://auth.test.example';
export const AUDIENCE = 'catalog-api';

export interface SignOptions {
  alg?: string;
  key?: Parameters<SignJWT['sign']>[0];
  issuer?: string | null;
  audience?: string | null;
  /** Seconds from now; null for no `exp`. */
  expiresIn?: number | null;
  /** Seconds from now. */
  notBefore?: number;
  kid?: string;
}

const encode = (text: string) => new TextEncoder().encode(text);
const now = () => Math.floor(Date.now() / 1000);

/** A token as the identity provider would issue it (HS256 with the shared secret unless told otherwise). */
export async function signToken(claims: JWTPayload, options: SignOptions = {}): Promise<string> {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'HS256', ...(options.kid ? { kid: options.kid } : {}) })
    .setIssuedAt();
  if (options.issuer !== null) jwt.setIssuer(options.issuer ?? ISSUER);
  if (options.audience !== null) jwt.setAudience(options.audience ?? AUDIENCE);
  if (options.expiresIn !== null) jwt.setExpirationTime(now() + (options.expiresIn ?? 300));
  if (options.notBefore !== undefined) jwt.setNotBefore(now() + options.notBefore);
  return jwt.sign(options.key ?? encode(HS_SECRET));
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned token (`alg: none`), the oldest JWT forgery. */
export function unsignedToken(claims: JWTPayload): string {
  const exp = now() + 300;
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ iss: ISSUER, aud: AUDIENCE, exp, ...claims })}.`;
}

/** A real token whose payload was edited after signing; the signature is the original one. */
export function tamperedToken(token: string, patch: JWTPayload): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as JWTPayload;
  return `${header}.${base64url({ ...claims, ...patch })}.${signature}`;
}

export async function asymmetricKeys(alg: 'RS256' | 'ES256') {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { publicKey, privateKey, publicPem: await exportSPKI(publicKey) };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
