import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './support/ensure-built.js';
import { runNode } from './support/run-node.js';

// `npm run demo` is `npm run build` followed by this script.
describe('npm run demo (command-line walk-through)', () => {
  beforeAll(ensureBuilt, 90_000);

  it('walks through isolation, refusals and an audited bypass, and exits 0', async () => {
    const { code, stdout, stderr } = await runNode('dist/apps/demo/src/cli/demo.js');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('[tenant_a] projects: Project A | products: Widget 9.99, Gadget 24.5');
    expect(stdout).toContain('[tenant_b] projects: Project B | products: Widget 11');
    expect(stdout).toMatch(/\[tenant_b\] repository\.findOneBy\(\{ id: \d+ \}\) -> null/);
    expect(stdout).toContain("insert with an explicit tenantId 'tenant_a' -> refused: TenantIsolationError TENANT_MISMATCH");
    expect(stdout).toContain('move its Widget to tenant_b -> refused: TenantIsolationError TENANT_MOVE');
    expect(stdout).toContain('products.list() -> refused: TenantIsolationError TENANT_REQUIRED');
    expect(stdout).toMatch(/audit: tenant filter bypassed, reason="demo: admin report"/);
    expect(stdout).toContain('Isolation held at every step.');
  });
});
