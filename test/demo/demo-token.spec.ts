import { jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './support/ensure-built.js';
import { runNode } from './support/run-node.js';

const TOKEN_SCRIPT = 'dist/apps/demo/src/cli/token.js';
const SECRET = 'a-test-secret-of-reasonable-length-0123456789';

describe('npm run demo:token', () => {
  beforeAll(ensureBuilt, 90_000);

  it('--admin prints only a signed JWT with the admin role', async () => {
    const { code, stdout } = await runNode(TOKEN_SCRIPT, ['--admin'], { JWT_SECRET: SECRET });
    expect(code).toBe(0);
    const token = stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(SECRET), {
      issuer: 'nestjs-tenancy-demo',
      audience: 'nestjs-tenancy-demo-api',
    });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({ sub: 'demo-admin', role: 'admin' });
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it('--tenant lists the tenants the token may act for', async () => {
    const { code, stdout } = await runNode(TOKEN_SCRIPT, ['--tenant', 'tenant_a', '--tenant', 'tenant_b'], { JWT_SECRET: SECRET });
    expect(code).toBe(0);
    const { payload } = await jwtVerify(stdout.trim(), new TextEncoder().encode(SECRET));
    expect(payload).toMatchObject({ sub: 'demo-user', tenants: ['tenant_a', 'tenant_b'] });
    expect(payload.role).toBeUndefined();
  });

  it('refuses unknown options and invalid tenant ids with usage, exit 2', async () => {
    for (const args of [['--bogus'], ['--tenant', 'a b'], []]) {
      const { code, stdout, stderr } = await runNode(TOKEN_SCRIPT, args);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain('usage: npm run demo:token');
    }
  });
});
