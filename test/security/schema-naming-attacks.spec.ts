import { DataSource, type DataSourceOptions } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enableSchemaTenancy, SchemaTenancyManager } from 'nestjs-tenancy';
import { CATALOG_ENTITIES } from '../support/catalog.entities.js';
import { DIALECTS } from '../support/dialects.js';
import { superuserQuery } from '../support/postgres.js';

/**
 * Schema strategy: a tenant id must never name the shared schema or a
 * reserved one. enableSchemaTenancy refuses such options
 * ([shared-schema-config], TenancyModule's in schema-naming-options.spec.ts);
 * the name mapping refuses it for any config that skipped validation, e.g. a
 * SchemaTenancyManager built by hand ([shared-schema-name]). PostgreSQL only:
 * SQLite has no schemas.
 */
const postgres = DIALECTS.find((dialect) => dialect.name === 'postgres')!;

describe('Schema naming attacks (postgres)', () => {
  let ds: DataSource;
  let dispose: () => Promise<void>;
  let database: string;

  beforeAll(async () => {
    const connection = await postgres.connection();
    dispose = connection.dispose;
    database = new URL((connection.options as { url: string }).url).pathname.slice(1);
    ds = await new DataSource({
      ...connection.options,
      poolSize: 3,
      entities: CATALOG_ENTITIES,
      synchronize: true,
    } as DataSourceOptions).initialize();
    // A shared schema that a careless prefix would give to tenant "common", with a shared table in it.
    await superuserQuery(database, 'CREATE SCHEMA tenant_common');
    await superuserQuery(database, 'CREATE TABLE tenant_common.plans (id int PRIMARY KEY)');
    await superuserQuery(database, 'INSERT INTO tenant_common.plans VALUES (1), (2)');
    await superuserQuery(database, 'CREATE SCHEMA tenant_a');
    // Both carry the library's tenant mark (as a careless createTenantSchema('common') would
    // have left on the shared schema), so only the name mapping can keep "common" out.
    await superuserQuery(database, `COMMENT ON SCHEMA tenant_common IS 'nestjs-tenancy:tenant'`);
    await superuserQuery(database, `COMMENT ON SCHEMA tenant_a IS 'nestjs-tenancy:tenant'`);
  });
  afterAll(async () => {
    await ds.destroy();
    await dispose();
  });

  const careless = () => new SchemaTenancyManager(ds, { prefix: 'tenant_', sharedSchema: 'tenant_common' });
  const invalid = expect.objectContaining({ code: 'TENANT_INVALID' });
  const plans = async () => (await superuserQuery(database, 'SELECT count(*)::int AS n FROM tenant_common.plans'))[0].n as number;

  it('[shared-schema-config] enableSchemaTenancy refuses a shared schema inside the tenant prefix', () => {
    expect(() => enableSchemaTenancy(ds, { prefix: 'tenant_', sharedSchema: 'tenant_common' })).toThrow(
      /"schema.sharedSchema" "tenant_common" starts with the tenant prefix "tenant_", so tenant "common" would map onto the shared schema/,
    );
  });

  it('[shared-schema-config] enableSchemaTenancy refuses a prefix that lets a tenant name pg_catalog', () => {
    expect(() => enableSchemaTenancy(ds, { prefix: 'pg_', sharedSchema: 'public' })).toThrow(/"schema.prefix" "pg_"/);
  });

  it('[shared-schema-name] the shared schema is not listed as tenant "common"', async () => {
    expect(await careless().listTenantSchemas()).toEqual(['a']);
  });

  it('[shared-schema-name] dropTenantSchema("common") cannot drop the shared schema', async () => {
    await expect(careless().dropTenantSchema('common')).rejects.toEqual(invalid);
    expect(await plans()).toBe(2);
  });

  it('[shared-schema-name] createTenantSchema("common") cannot provision tenant tables into the shared schema', async () => {
    await expect(careless().createTenantSchema('common')).rejects.toEqual(invalid);
    const tables = await superuserQuery(database, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'tenant_common'`);
    expect(tables.map((row) => row.table_name)).toEqual(['plans']);
  });

  it('[shared-schema-name] tenantContext("common") cannot run code in the shared schema', async () => {
    let ran = false;
    await expect(careless().tenantContext('common', async () => (ran = true))).rejects.toEqual(invalid);
    expect(ran).toBe(false);
  });

  it('[shared-schema-name] exportTenant("common") cannot dump the shared schema', async () => {
    await expect(careless().exportTenant('common')).rejects.toEqual(invalid);
  });

  it('[shared-schema-name] a "p" prefix cannot make tenant "ublic" the public schema', async () => {
    const manager = new SchemaTenancyManager(ds, { prefix: 'p', sharedSchema: 'shared' });
    await expect(manager.tenantContext('ublic', async () => undefined)).rejects.toEqual(invalid);
    await expect(manager.dropTenantSchema('ublic')).rejects.toEqual(invalid);
    expect(await ds.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'public'`)).toHaveLength(1);
  });

  it('[shared-schema-name] a "pg_" prefix cannot make tenant "catalog" the system catalog', async () => {
    const manager = new SchemaTenancyManager(ds, { prefix: 'pg_', sharedSchema: 'public' });
    expect(() => manager.schemaOf('catalog')).toThrow(invalid);
    await expect(manager.exportTenant('catalog')).rejects.toEqual(invalid);
  });
});
