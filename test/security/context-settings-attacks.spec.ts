import { afterEach, describe, expect, it } from 'vitest';
import { bypassTenantFilter, runWithTenant, runWithTenantSettings, type TenantAuditEvent, type TenancyModuleOptions } from 'nestjs-tenancy';
import { bootCatalogApp } from '../support/catalog-app.js';
import { DIALECTS } from '../support/dialects.js';

/**
 * Context settings travel with the context, so a context the module did not
 * open (a job, a timer, a script's own settings) carries other ones. The
 * attacker here is code in such a context trying to use the module's
 * DataSource with looser settings: a tenant id the module's pattern refuses,
 * a bypass the module's audit sink never saw, an unaudited bypass. The
 * DataSource checks them against its own module's settings
 * (protection `datasource-settings`, scripts/security-mutations.ts).
 */
const PATTERN = /^[a-z]{1,8}$/;

const disposers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (disposers.length) await disposers.pop()?.();
});

describe.each(DIALECTS)('context settings attacks on a bound DataSource ($name)', (dialect) => {
  async function boot(tenancy: TenancyModuleOptions) {
    const app = await bootCatalogApp(dialect, { tenantIdPattern: PATTERN, ...tenancy });
    disposers.push(app.close);
    await app.dataSource.query(`INSERT INTO products (name, sku, tenant_id) VALUES ('A1', 'A1', 'acme'), ('B1', 'B1', 'beta')`);
    const rows = async () =>
      ((await app.dataSource.query(`SELECT name FROM products ORDER BY name`)) as Array<{ name: string }>).map((row) => row.name);
    return { repo: app.repo, context: app.context, rows };
  }

  it('[datasource-settings] a job names a tenant the default pattern accepts and the module refuses: refused, nothing written', async () => {
    const { repo, rows } = await boot({});
    // 'ACME' and 'acme-2' pass the default pattern, not the module's.
    for (const id of ['ACME', 'acme-2', 'a'.repeat(9)]) {
      await expect(runWithTenant(id, () => repo.save({ name: 'X', sku: 'X' }))).rejects.toMatchObject({ code: 'TENANT_INVALID' });
      await expect(runWithTenant(id, () => repo.find())).rejects.toMatchObject({ code: 'TENANT_INVALID' });
    }
    expect(await rows()).toEqual(['A1', 'B1']);
  });

  it('[datasource-settings] a script loosens the pattern with its own settings: the DataSource still refuses', async () => {
    const { repo, rows } = await boot({});
    const loose = { tenantIdPattern: /^.{1,64}$/ };
    await expect(runWithTenantSettings(loose, () => runWithTenant("acme' OR '1'='1", () => repo.find()))).rejects.toMatchObject({
      code: 'TENANT_INVALID',
    });
    await expect(runWithTenantSettings(loose, () => runWithTenant('Beta', () => repo.delete({ sku: 'B1' })))).rejects.toMatchObject({
      code: 'TENANT_INVALID',
    });
    expect(await rows()).toEqual(['A1', 'B1']);
  });

  it("[datasource-settings] a bypass its module's audit sink never recorded: refused before any row is read or deleted", async () => {
    const recorded: TenantAuditEvent[] = [];
    const { repo, rows } = await boot({ audit: { record: (event) => void recorded.push(event) } });
    const quiet = { audit: { record: () => undefined } };
    await expect(runWithTenantSettings(quiet, () => bypassTenantFilter(() => repo.find()))).rejects.toMatchObject({
      code: 'TENANT_BYPASS_FORBIDDEN',
    });
    await expect(
      runWithTenantSettings(quiet, () => bypassTenantFilter(() => repo.createQueryBuilder().delete().execute())),
    ).rejects.toMatchObject({ code: 'TENANT_BYPASS_FORBIDDEN' });
    expect(await rows()).toEqual(['A1', 'B1']);
    expect(recorded).toEqual([]);
  });

  it('[datasource-settings] an unaudited bypass (its own allowUnauditedBypass, a failing sink) on a module that forbids it: refused', async () => {
    const { repo, rows } = await boot({});
    const failing = {
      audit: {
        record: () => {
          throw new Error('audit store down');
        },
      },
      allowUnauditedBypass: true,
      reportAuditFailure: () => undefined,
    };
    await expect(
      runWithTenantSettings(failing, () => bypassTenantFilter(() => repo.createQueryBuilder().delete().execute())),
    ).rejects.toMatchObject({ code: 'TENANT_AUDIT_UNAVAILABLE' });
    expect(await rows()).toEqual(['A1', 'B1']);
  });

  it('[datasource-settings] a bypass from a job writes an explicit tenant id the module refuses: refused, nothing written', async () => {
    const { repo, rows } = await boot({});
    await expect(bypassTenantFilter(() => repo.save({ name: 'X', sku: 'X', tenantId: 'ACME' }))).rejects.toMatchObject({
      code: 'TENANT_INVALID',
    });
    expect(await rows()).toEqual(['A1', 'B1']);
  });

  it("the module's own contexts are unaffected: TenantContext runs and bypasses as before", async () => {
    const recorded: TenantAuditEvent[] = [];
    const { repo, context } = await boot({ audit: { record: (event) => void recorded.push(event) } });
    expect((await context.run('acme', () => repo.find())).map((row) => row.name)).toEqual(['A1']);
    expect((await context.bypass(() => repo.find({ order: { name: 'ASC' } }), { reason: 'report' })).map((row) => row.name)).toEqual([
      'A1',
      'B1',
    ]);
    expect(recorded.map((event) => event.reason)).toEqual(['report']);
  });
});
