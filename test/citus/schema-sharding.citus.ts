import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Column, DataSource, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { enableSchemaTenancy, runWithTenant, SchemaTenancyManager, TenantScoped } from 'nestjs-tenancy';
import { createTestDatabase, dropTestDatabase, postgresUrl, superuserQuery } from '../support/postgres.js';
import { taskCount } from '../support/citus.js';

@Entity('ledger_entries')
@TenantScoped()
class LedgerEntry {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) amount: number;
  @Column({ type: 'varchar', nullable: true }) note: string | null;
}

const CONFIG = { prefix: 'tenant_', sharedSchema: 'public', citus: true };
const TENANTS = ['t1', 't2', 't3', 't4'];

describe('schema strategy on Citus: each tenant schema is a distributed schema (citus)', () => {
  let database: string;
  let ds: DataSource;
  let manager: SchemaTenancyManager;

  beforeAll(async () => {
    database = await createTestDatabase();
    ds = new DataSource({ type: 'postgres', url: postgresUrl(database), entities: [LedgerEntry] });
    await ds.initialize();
    enableSchemaTenancy(ds, CONFIG);
    manager = new SchemaTenancyManager(ds, CONFIG);
    for (const tenant of TENANTS) {
      await manager.createTenantSchema(tenant);
      await runWithTenant(tenant, () => ds.getRepository(LedgerEntry).save([{ amount: 1 }, { amount: 2 }]));
    }
  });
  afterAll(async () => {
    await ds.destroy();
    await dropTestDatabase(database);
  });

  /** Worker port of each tenant schema's (single) shard placement. */
  const placements = async () => {
    const rows = await superuserQuery<{ schema: string; port: number }>(
      database,
      `SELECT DISTINCT n.nspname AS schema, s.nodeport AS port FROM citus_shards s
         JOIN pg_class c ON c.oid = s.table_name JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname LIKE 'tenant\\_%' ORDER BY 1`,
    );
    return rows;
  };

  it('provisioning a tenant creates a distributed schema', async () => {
    const rows = await superuserQuery<{ schema: string }>(database, `SELECT schema_name::text AS schema FROM citus_schemas ORDER BY 1`);
    expect(rows.map((row) => row.schema)).toEqual(TENANTS.map((tenant) => `tenant_${tenant}`));
  });
  it('places all of a tenant schema on one node, and the tenants across the workers', async () => {
    const rows = await placements();
    expect(rows.map((row) => row.schema)).toEqual(TENANTS.map((tenant) => `tenant_${tenant}`));
    expect(new Set(rows.map((row) => row.port)).size).toBeGreaterThan(1);
  });
  it("routes a tenant's query to that tenant's node, as one task", async () => {
    const nodes = new Map((await placements()).map((row) => [row.schema, row.port]));
    for (const tenant of TENANTS) {
      const [query, parameters] = runWithTenant(tenant, () =>
        ds.getRepository(LedgerEntry).createQueryBuilder('entry').where('entry.amount > :min', { min: 0 }).getQueryAndParameters(),
      );
      const plan = (await runWithTenant(tenant, () => ds.query(`EXPLAIN ${query}`, parameters))) as Array<{ 'QUERY PLAN': string }>;
      expect(taskCount(plan)).toBe(1);
      expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain(`port=${nodes.get(`tenant_${tenant}`)}`);
      expect(await runWithTenant(tenant, () => ds.getRepository(LedgerEntry).count())).toBe(2);
    }
  });
  it('migrateAll brings every tenant schema up to date across the nodes', async () => {
    for (const tenant of TENANTS) await superuserQuery(database, `ALTER TABLE tenant_${tenant}.ledger_entries DROP COLUMN note`);
    expect(await manager.migrateAll()).toEqual({ migrated: TENANTS.length, unchanged: 0 });
    const columns = await superuserQuery<{ schema: string }>(
      database,
      `SELECT table_schema AS schema FROM information_schema.columns WHERE table_name = 'ledger_entries' AND column_name = 'note' ORDER BY 1`,
    );
    expect(columns.map((row) => row.schema)).toEqual(TENANTS.map((tenant) => `tenant_${tenant}`));
    await runWithTenant('t3', () => ds.getRepository(LedgerEntry).save({ amount: 3, note: 'after migrateAll' }));
    expect(await runWithTenant('t3', () => ds.getRepository(LedgerEntry).countBy({ note: 'after migrateAll' }))).toBe(1);
  });
});
