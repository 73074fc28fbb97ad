import type { INestApplicationContext } from '@nestjs/common';
import { getCurrentTenant, runWithTenant, TenantContext } from 'nestjs-tenancy';
import { DataSource } from 'typeorm';
import { AdminService } from '../admin/admin.service.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { Product } from '../products/product.entity.js';
import { ProductsService } from '../products/products.service.js';
import { ProjectsService } from '../projects/projects.service.js';
import { describeRefusal } from './describe-refusal.js';
import type { Narrator } from './narrator.js';
import { WalkthroughFailure } from './walkthrough-failure.js';

function check(condition: boolean, message: string): void {
  if (!condition) throw new WalkthroughFailure(message);
}

/**
 * The FastAPI guide's command-line demo on the library's public API: services
 * never mention a tenant, runWithTenant chooses it, and everything that would
 * cross a tenant boundary is refused unless deliberately bypassed.
 */
export async function runWalkthrough(app: INestApplicationContext, out: Narrator): Promise<void> {
  const organizations = app.get(OrganizationsService);
  const projects = app.get(ProjectsService);
  const products = app.get(ProductsService);
  const admin = app.get(AdminService);
  const productRepository = app.get(DataSource).getRepository(Product);

  out.step('Tenants: the organizations table (shared, not tenant-scoped), seeded at start-up');
  for (const organization of await organizations.list()) out.line(`${organization.id.padEnd(10)} ${organization.name}`);

  out.step('Each tenant creates its data; the library stamps tenant_id on every insert');
  const projectA = await runWithTenant('tenant_a', () => projects.create({ name: 'Project A', description: 'Launch' }));
  const widgetA = await runWithTenant('tenant_a', () =>
    products.create({ name: 'Widget', price: 9.99, sku: 'WID-001', projectId: projectA.id }),
  );
  await runWithTenant('tenant_a', () => products.create({ name: 'Gadget', price: 24.5, sku: 'GAD-001', projectId: projectA.id }));
  const projectB = await runWithTenant('tenant_b', () => projects.create({ name: 'Project B' }));
  const widgetB = await runWithTenant('tenant_b', () =>
    products.create({ name: 'Widget', price: 11, sku: 'WID-001', projectId: projectB.id }),
  );
  out.line(
    `[tenant_a] project #${projectA.id} "${projectA.name}" (tenant_id=${projectA.tenantId}), products Widget WID-001, Gadget GAD-001`,
  );
  out.line(`[tenant_b] project #${projectB.id} "${projectB.name}" (tenant_id=${projectB.tenantId}), product Widget WID-001`);
  out.line('SKU WID-001 twice: SKUs are unique per tenant, not globally');
  check(projectA.tenantId === 'tenant_a' && widgetB.tenantId === 'tenant_b', 'inserts were not stamped with the current tenant');

  out.step("Each tenant's view (same services, same queries)");
  for (const tenant of ['tenant_a', 'tenant_b']) {
    const view = await runWithTenant(tenant, async () => ({ projects: await projects.list(), products: await products.list() }));
    out.line(
      `[${tenant}] projects: ${view.projects.map((p) => p.name).join(', ')} | products: ${view.products.map((p) => `${p.name} ${p.price}`).join(', ')}`,
    );
    check(
      [...view.projects, ...view.products].every((row) => row.tenantId === tenant),
      `${tenant} saw another tenant's rows`,
    );
  }

  out.step("Cross-tenant read: tenant_b asks for tenant_a's Widget by id");
  out.line(
    `[tenant_b] products.get(${widgetA.id}) -> ${await runWithTenant('tenant_b', () => describeRefusal(() => products.get(widgetA.id)))}`,
  );
  const rawRead = await runWithTenant('tenant_b', () => productRepository.findOneBy({ id: widgetA.id }));
  out.line(`[tenant_b] repository.findOneBy({ id: ${widgetA.id} }) -> ${rawRead === null ? 'null' : 'a row'}`);
  check(rawRead === null, "tenant_b read tenant_a's product");

  out.step('Cross-tenant writes');
  out.line(
    `[tenant_b] update tenant_a's Widget -> ${await runWithTenant('tenant_b', () => describeRefusal(() => products.update(widgetA.id, { price: 0.01 })))}`,
  );
  out.line(
    `[tenant_b] attach a product to tenant_a's project #${projectA.id} -> ${await runWithTenant('tenant_b', () =>
      describeRefusal(() => products.create({ name: 'Sneaky', price: 1, sku: 'SNK-001', projectId: projectA.id })),
    )}`,
  );
  out.line(
    `[tenant_b] insert with an explicit tenantId 'tenant_a' -> ${await runWithTenant('tenant_b', () =>
      describeRefusal(() => productRepository.insert({ name: 'Forged', price: 1, sku: 'FRG-001', tenantId: 'tenant_a' })),
    )}`,
  );
  out.line(
    `[tenant_a] move its Widget to tenant_b -> ${await runWithTenant('tenant_a', () =>
      describeRefusal(() => productRepository.update({ id: widgetA.id }, { tenantId: 'tenant_b' })),
    )}`,
  );
  const untouched = await runWithTenant('tenant_a', () => products.get(widgetA.id));
  out.line(`[tenant_a] its Widget afterwards: price ${untouched.price}, tenant_id ${untouched.tenantId}`);
  check(untouched.price === 9.99 && untouched.tenantId === 'tenant_a', "tenant_a's product was changed from outside");

  out.step('No tenant at all: fail closed');
  out.line(`[no tenant] products.list() -> ${await describeRefusal(() => products.list())}`);
  check(getCurrentTenant() === undefined, 'a tenant leaked out of runWithTenant');

  out.step('Admin bypass: every tenant at once, audited');
  // The module's TenantContext, so that its audit sink records the bypass (a free bypassTenantFilter here would be refused).
  const tenantContext = app.get(TenantContext);
  const all = await tenantContext.bypass(() => admin.allProducts(), { reason: 'demo: admin report' });
  const stats = await tenantContext.bypass(() => admin.stats(), { reason: 'demo: admin stats' });
  for (const product of all) out.line(`#${product.id} ${product.tenantId.padEnd(9)} ${product.name} ${product.sku}`);
  out.line(
    `totals: ${stats.total_projects_all_tenants} projects, ${stats.total_products_all_tenants} products in ${stats.organizations} tenants`,
  );
  check(all.length === 3, `the bypass saw ${all.length} products, expected 3`);
  out.line(`admin report without a bypass -> ${await runWithTenant('tenant_a', () => describeRefusal(() => admin.allProducts()))}`);
}
