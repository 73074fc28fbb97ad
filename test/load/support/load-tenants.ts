import pg from 'pg';
import { signDemoToken } from '../../../apps/demo/src/auth/demo-jwt.js';
import { postgresUrl } from '../../support/postgres.js';
import type { LoadClient } from './load-client.js';
import { runBounded } from './run-bounded.js';

export interface LoadTenant {
  id: string;
  /** A demo token granting this tenant only. */
  token: string;
  projects: string[];
  products: string[];
}

/** `load_000`...: every row a tenant owns carries its id in its name, so a leaked row is visible in any body. */
export const tenantId = (index: number) => `load_${String(index).padStart(3, '0')}`;
export const TENANT_ID_PATTERN = /load_\d{3}/g;

/**
 * Registers `count` organizations straight in the server's database (the demo
 * has no sign-up route), then creates each tenant's projects and products
 * through the API, so that the library stamps them.
 */
export async function provisionTenants(database: string, client: LoadClient, count: number, jwtSecret: string): Promise<LoadTenant[]> {
  const ids = Array.from({ length: count }, (_, i) => tenantId(i));
  const admin = new pg.Client({ connectionString: postgresUrl(database) });
  await admin.connect();
  try {
    await admin.query(`INSERT INTO organizations (id, name, active) SELECT unnest($1::text[]), unnest($1::text[]), true`, [ids]);
  } finally {
    await admin.end();
  }
  const tenants = await Promise.all(
    ids.map(async (id) => ({
      id,
      token: await signDemoToken({ subject: `user-of-${id}`, admin: false, tenants: [id], expiresIn: '1h' }, jwtSecret),
      projects: [`${id}-project-1`, `${id}-project-2`],
      products: [`${id}-widget`],
    })),
  );
  const writes = tenants.flatMap((tenant) => [
    ...tenant.projects.map((name) => ({ tenant, path: '/projects', body: { name } })),
    ...tenant.products.map((name) => ({ tenant, path: '/products', body: { name, price: 1, sku: name } })),
  ]);
  const results = await runBounded(writes.length, 16, (i) =>
    client.send({ method: 'POST', path: writes[i].path, headers: { 'x-tenant-id': writes[i].tenant.id }, body: writes[i].body }),
  );
  const failed = results.filter((res) => res.status !== 201);
  if (failed.length > 0) throw new Error(`provisioning: ${failed.length} writes failed, first: ${failed[0].status} ${failed[0].text}`);
  return tenants;
}
