import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import type { BenchVariant } from './resolve-apps.js';

/** The request headers of each variant, and the key material its server verifies them with. */
export async function benchHeaders() {
  const secret = 'bench-secret-that-is-at-least-32-bytes-long';
  const es = await generateKeyPair('ES256');
  const sign = (alg: string, key: Parameters<SignJWT['sign']>[0]) =>
    new SignJWT({ sub: 'bench', tenant_id: 'acme' })
      .setProtectedHeader({ alg })
      .setIssuer('bench')
      .setAudience('bench')
      .setExpirationTime('2h')
      .sign(key);
  const hs256 = { authorization: `Bearer ${await sign('HS256', new TextEncoder().encode(secret))}` };
  const es256 = { authorization: `Bearer ${await sign('ES256', es.privateKey)}` };
  const headers: Record<BenchVariant, Record<string, string>> = {
    plain: {},
    enhancers: {},
    'als-enhancers': {},
    'cls-only': {},
    header: { 'x-tenant-id': 'acme' },
    'header-no-mw': { 'x-tenant-id': 'acme' },
    'jwt-hs256': hs256,
    'jwt-es256': es256,
    'jwt-hs256-nocache': hs256,
    'jwt-es256-nocache': es256,
  };
  return { headers, env: { BENCH_SECRET: secret, BENCH_PUBLIC_KEY: await exportSPKI(es.publicKey) } };
}
