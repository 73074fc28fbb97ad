import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { installTenantRls } from 'nestjs-tenancy';
import { BenchProduct, ROWS_PER_TENANT, TENANTS } from './rls-entity.js';

export interface BenchDatabases {
  /** App-role URLs: same role, same schema and rows; only `on` has the policies. */
  on: string;
  off: string;
  drop(): Promise<void>;
}

async function superuser(url: string, database: string, sql: string): Promise<void> {
  const target = new URL(url);
  target.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: target.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function roleUrl(url: string, database: string, role: string, password: string): string {
  const target = new URL(url);
  target.pathname = `/${database}`;
  target.username = role;
  target.password = password;
  return target.toString();
}

/** The role setup of docs/rls.md, twice: the owner creates the tables, the app role only has DML rights. */
export async function createBenchDatabases(url: string): Promise<BenchDatabases> {
  const id = randomBytes(4).toString('hex');
  const password = randomBytes(12).toString('hex');
  const owner = `bench_owner_${id}`;
  const app = `bench_app_${id}`;
  for (const role of [owner, app]) {
    await superuser(url, 'postgres', `CREATE ROLE ${role} LOGIN PASSWORD '${password}' NOSUPERUSER NOBYPASSRLS`);
  }
  const urls: Record<'on' | 'off', string> = { on: '', off: '' };
  for (const mode of ['on', 'off'] as const) {
    const database = `bench_rls_${mode}_${id}`;
    await superuser(url, 'postgres', `CREATE DATABASE ${database} OWNER ${owner}`);
    await superuser(
      url,
      database,
      `GRANT USAGE, CREATE ON SCHEMA public TO ${owner}; GRANT USAGE ON SCHEMA public TO ${app};
      ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app};
      ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${app};`,
    );
    const schema = new DataSource({
      type: 'postgres',
      url: roleUrl(url, database, owner, password),
      entities: [BenchProduct],
      synchronize: true,
    });
    if (mode === 'on') await installTenantRls(schema);
    await schema.initialize();
    await schema.destroy();
    await superuser(
      url,
      database,
      `INSERT INTO bench_products (name, sku, price, tenant_id)
      SELECT 'product ' || n, 'SKU-' || n, n % 100, t FROM unnest(ARRAY[${TENANTS.map((t) => `'${t}'`).join(',')}]) AS t,
      generate_series(1, ${ROWS_PER_TENANT}) AS n; ANALYZE bench_products;`,
    );
    urls[mode] = roleUrl(url, database, app, password);
  }
  return {
    ...urls,
    async drop() {
      for (const mode of ['on', 'off']) await superuser(url, 'postgres', `DROP DATABASE IF EXISTS bench_rls_${mode}_${id} WITH (FORCE)`);
      for (const role of [app, owner]) await superuser(url, 'postgres', `DROP ROLE IF EXISTS ${role}`);
    },
  };
}
