import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions, type Repository } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bypassTenantFilter,
  enableSchemaTenancy,
  recoverDeadPostgresConnections,
  runWithTenant,
  SchemaTenancyManager,
  SchemaTenancyService,
  TenancyModule,
  TenantIsolationError,
  type TenantExport,
} from 'nestjs-tenancy';
import { CATALOG_ENTITIES, Category, Product, Tag } from '../support/catalog.entities.js';
import { DIALECTS, StatementCounter } from '../support/dialects.js';
import { superuserQuery, tablesIn as tablesInSchema } from '../support/postgres.js';
import { openSchemaCatalog, type SchemaCatalog } from '../support/schema-catalog.js';

const postgres = DIALECTS.find((dialect) => dialect.name === 'postgres')!;
const CONFIG = { prefix: 'tenant_', sharedSchema: 'public' };

/** The schema strategy is PostgreSQL-only: these suites run on the PostgreSQL dialect. */
describe('schema-per-tenant strategy (postgres)', () => {
  let ds: DataSource;
  let manager: SchemaTenancyManager;
  let database: string;
  let catalog: SchemaCatalog;
  const statements = new StatementCounter();

  beforeAll(async () => {
    catalog = await openSchemaCatalog(CONFIG, { logging: ['query'], logger: statements });
    ({ ds, manager, database } = catalog);
    await manager.createTenantSchema('a');
    await manager.createTenantSchema('b');
    const tools = await ds.getRepository(Category).save({ name: 'Tools' });
    for (const tenant of ['a', 'b']) {
      await runWithTenant(tenant, async () => {
        const tag = await ds.getRepository(Tag).save({ label: `${tenant}-tag` });
        await ds.getRepository(Product).save([
          { name: `${tenant.toUpperCase()}1`, sku: 'S-1', category: tools, tags: [tag] },
          { name: `${tenant.toUpperCase()}2`, sku: 'S-2' },
        ]);
      });
    }
  });
  afterAll(() => catalog.close());

  const tablesIn = (schema: string) => tablesInSchema(database, schema);

  it('keeps shared tables in the shared schema and tenant tables in each tenant schema', async () => {
    expect(await tablesIn('public')).toEqual(['categories', 'organizations']);
    const tenantTables = ['notes', 'product_tags', 'products', 'reviews', 'tags'];
    expect(await tablesIn('tenant_a')).toEqual(tenantTables);
    expect(await tablesIn('tenant_b')).toEqual(tenantTables);
  });

  it('writes of a tenant land physically in its own schema', async () => {
    await runWithTenant('a', () => ds.getRepository(Product).insert({ name: 'only-a', sku: 'X-1' }));
    const [a] = await superuserQuery(database, `SELECT count(*)::int AS n FROM tenant_a.products WHERE name = 'only-a'`);
    const [b] = await superuserQuery(database, `SELECT count(*)::int AS n FROM tenant_b.products WHERE name = 'only-a'`);
    expect([a.n, b.n]).toEqual([1, 0]);
  });

  it('repositories, query builders, relations and joins read the current tenant schema', async () => {
    await runWithTenant('b', async () => {
      const repo = ds.getRepository(Product);
      expect((await repo.find({ order: { id: 'ASC' } })).map((p) => p.name)).toEqual(['B1', 'B2']);
      expect(await repo.createQueryBuilder('p').where('p.sku = :s', { s: 'S-1' }).getCount()).toBe(1);
      const withTags = await repo.findOneOrFail({ where: { sku: 'S-1' }, relations: { tags: true, category: true } });
      expect([withTags.tags.map((t) => t.label), withTags.category?.name]).toEqual([['b-tag'], 'Tools']);
      const categories = await ds.getRepository(Category).find({ relations: { products: true } });
      expect(categories.map((c) => c.products.map((p) => p.name))).toEqual([['B1']]);
    });
  });

  it('updates and deletes stay in the tenant schema', async () => {
    await runWithTenant('a', () => ds.getRepository(Product).update({ sku: 'S-2' }, { stock: 42 }));
    const rows = await superuserQuery(
      database,
      `SELECT 'a' AS t, stock FROM tenant_a.products WHERE sku = 'S-2' UNION ALL SELECT 'b', stock FROM tenant_b.products WHERE sku = 'S-2' ORDER BY 1`,
    );
    expect(rows).toEqual([
      { t: 'a', stock: 42 },
      { t: 'b', stock: 0 },
    ]);
  });

  it('no tenant is a TenantIsolationError before any SQL', async () => {
    statements.reset();
    await expect(ds.getRepository(Product).find()).rejects.toMatchObject({ code: 'TENANT_REQUIRED' });
    expect(statements.statements).toEqual([]);
  });

  it('a bypass with no tenant cannot reach any tenant schema', async () => {
    await expect(bypassTenantFilter(() => ds.getRepository(Product).find())).rejects.toThrow(/tenancy!no_tenant/);
  });

  it.each([
    ['a quote and a statement', 'a"; DROP SCHEMA public CASCADE; --'],
    ['a dot (schema qualification)', 'public.categories'],
    ['a name over 63 bytes with the prefix', 'x'.repeat(60)],
    ['an empty id', ''],
  ])('refuses a tenant id with %s before any SQL', async (_what, id) => {
    statements.reset();
    await expect(manager.createTenantSchema(id)).rejects.toBeInstanceOf(TenantIsolationError);
    await expect(manager.dropTenantSchema(id)).rejects.toBeInstanceOf(TenantIsolationError);
    expect(statements.statements).toEqual([]);
  });

  it('lists tenants, tells unknown ones apart and refuses a context for them', async () => {
    expect(await manager.listTenantSchemas()).toEqual(['a', 'b']);
    expect(await manager.tenantExists('a')).toBe(true);
    expect(await manager.tenantExists('zz')).toBe(false);
    await expect(manager.tenantContext('zz', async () => 1)).rejects.toMatchObject({ code: 'TENANT_UNKNOWN' });
    expect(await manager.tenantContext('a', () => ds.getRepository(Product).countBy({ sku: 'S-1' }))).toBe(1);
  });

  it('migrateAll brings every tenant schema up to the entities, with progress', async () => {
    await superuserQuery(database, `DROP TABLE tenant_b.notes`);
    const progress: string[] = [];
    const result = await manager.migrateAll({ concurrency: 2, onProgress: (p) => progress.push(`${p.done}/${p.total}`) });
    expect(result.migrated).toBe(2);
    expect(progress.sort()).toEqual(['1/2', '2/2']);
    expect(await tablesIn('tenant_b')).toContain('notes');
  });

  it('exports one tenant and restores it under a new tenant id, relations and sequences included', async () => {
    const dump = JSON.parse(JSON.stringify(await manager.exportTenant('b')));
    await manager.importTenant(dump, 'b_copy');
    await runWithTenant('b_copy', async () => {
      const copy = await ds.getRepository(Product).findOneOrFail({ where: { sku: 'S-1' }, relations: { tags: true } });
      expect([copy.name, copy.tenantId, copy.tags.map((t) => t.label)]).toEqual(['B1', 'b_copy', ['b-tag']]);
      const fresh = await ds.getRepository(Product).save({ name: 'after import', sku: 'N-1' });
      expect(fresh.id).toBeGreaterThan(copy.id);
    });
    expect(await runWithTenant('b', () => ds.getRepository(Product).countBy({ sku: 'N-1' }))).toBe(0);
    await expect(manager.importTenant(dump, 'a')).rejects.toMatchObject({ code: 'TENANT_SCHEMA_EXISTS' });
    await manager.dropTenantSchema('b_copy');
  });

  it('an import into an existing tenant is TENANT_SCHEMA_EXISTS and leaves its rows alone', async () => {
    const dump = await manager.exportTenant('b');
    const before = await runWithTenant('a', () => ds.getRepository(Product).count());
    await expect(manager.importTenant(dump, 'a')).rejects.toMatchObject({
      code: 'TENANT_SCHEMA_EXISTS',
      message: expect.stringContaining('Import under a new tenant id'),
    });
    expect(await runWithTenant('a', () => ds.getRepository(Product).count())).toBe(before);
  });

  it.each([
    ['another format', (d: TenantExport) => ({ ...d, format: 'pg_dump' })],
    ['another version', (d: TenantExport) => ({ ...d, version: 2 })],
    ['no tables', (d: TenantExport) => ({ ...d, tables: undefined })],
    ['a table no tenant entity maps', (d: TenantExport) => ({ ...d, tables: [...d.tables, { table: 'pg_authid', rows: [] }] })],
    ['rows that are not objects', (d: TenantExport) => ({ ...d, tables: [{ table: d.tables[0].table, rows: ['DROP TABLE x'] }] })],
    ['not an object at all', () => null],
  ])('an export with %s is TENANT_IMPORT_INVALID, and no tenant schema is created', async (_name, damage) => {
    const dump = damage(await manager.exportTenant('b')) as unknown as TenantExport;
    await expect(manager.importTenant(dump, 'damaged')).rejects.toMatchObject({ code: 'TENANT_IMPORT_INVALID' });
    expect(await manager.tenantExists('damaged')).toBe(false);
    expect(await tablesIn('tenant_damaged')).toEqual([]);
  });

  it('create and drop a tenant schema', async () => {
    await manager.createTenantSchema('c');
    expect(await manager.listTenantSchemas()).toEqual(['a', 'b', 'c']);
    await manager.dropTenantSchema('c');
    expect(await manager.tenantExists('c')).toBe(false);
  });

  describe('one pool, no schema leaks between units of work', () => {
    // The pool fix is opt-in and separate from tenancy; the terminated-backend case below needs it.
    beforeAll(() => recoverDeadPostgresConnections());
    const names = (tenant: string) => runWithTenant(tenant, async () => (await ds.getRepository(Product).find()).map((p) => p.name));
    const onlyB = async () => expect((await names('b')).every((n) => n.startsWith('B'))).toBe(true);

    it('an error in the middle of a tenant transaction leaves nothing for the next tenant', async () => {
      await expect(
        runWithTenant('a', () =>
          ds.transaction(async (tx) => {
            await tx.getRepository(Product).insert({ name: 'A-tx', sku: 'TX-1' });
            throw new Error('boom');
          }),
        ),
      ).rejects.toThrow('boom');
      await onlyB();
      expect(await runWithTenant('a', () => ds.getRepository(Product).countBy({ sku: 'TX-1' }))).toBe(0);
    });

    it('a backend terminated while busy does not affect the next tenant on the pool', async () => {
      const busy = runWithTenant('a', () => ds.query(`SELECT pg_sleep(5)`)).catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await superuserQuery(
        database,
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(5)%' AND pid <> pg_backend_pid()`,
      );
      expect(await busy).toBeInstanceOf(Error);
      await onlyB();
      expect((await names('a')).every((n) => n.startsWith('A') || n === 'only-a')).toBe(true);
    });

    it('an aborted statement (timeout) does not affect the next tenant', async () => {
      await expect(
        runWithTenant('a', () =>
          ds.transaction(async (tx) => {
            await tx.query(`SET LOCAL statement_timeout = 50`);
            await tx.query(`SELECT pg_sleep(1)`);
          }),
        ),
      ).rejects.toThrow(/timeout|cancel/i);
      await onlyB();
    });

    it('interleaved tenants on a pool of 3 connections never see each other', async () => {
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) => (i % 2 ? names('a') : names('b')).then((n) => [i % 2 ? 'A' : 'B', n] as const)),
      );
      for (const [prefix, seen] of results)
        expect(seen.every((n) => n.startsWith(prefix) || (prefix === 'A' && n === 'only-a'))).toBe(true);
    });
  });
});

@Injectable()
class Catalog {
  constructor(
    @InjectRepository(Product) readonly products: Repository<Product>,
    readonly schemas: SchemaTenancyService,
  ) {}
}

const forRoot = () => TenancyModule.forRoot({ strategy: 'schema' });
const forRootAsync = () => TenancyModule.forRootAsync({ useFactory: async () => ({ strategy: 'schema' as const }) });

describe.each([
  ['forRoot, startup synchronize', forRoot, true],
  ['forRootAsync, startup synchronize', forRootAsync, true],
  ['forRoot, synchronize after start-up', forRoot, false],
  ['forRootAsync, synchronize after start-up', forRootAsync, false],
])('TenancyModule %s (postgres)', (_how, tenancy, synchronize) => {
  it('creates only shared tables in the shared schema; provisioning and @InjectRepository use tenant schemas', async () => {
    const { options, dispose } = await postgres.connection();
    const database = new URL((options as { url: string }).url).pathname.slice(1);
    @Module({
      imports: [
        TypeOrmModule.forRoot({ ...options, entities: CATALOG_ENTITIES, synchronize }),
        tenancy(),
        TypeOrmModule.forFeature([Product]),
      ],
      providers: [Catalog],
    })
    class AppModule {}
    const app = await (await Test.createTestingModule({ imports: [AppModule] }).compile()).createNestApplication().init();
    try {
      if (!synchronize) await app.get(DataSource).synchronize();
      const rows = await superuserQuery(
        database,
        `SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 2`,
      );
      expect(rows.map((r) => `${r.table_schema}.${r.table_name}`)).toEqual(['public.categories', 'public.organizations']);
      const catalog = app.get(Catalog);
      await catalog.schemas.createTenantSchema('acme');
      await catalog.schemas.tenantContext('acme', () => catalog.products.save({ name: 'Anvil', sku: 'A-1' }));
      expect(await catalog.schemas.tenantContext('acme', () => catalog.products.count())).toBe(1);
      expect(await catalog.schemas.listTenantSchemas()).toEqual(['acme']);
    } finally {
      await app.close();
      await dispose();
    }
  });
});

describe.each([
  ['forRoot', forRoot],
  ['forRootAsync', forRootAsync],
])('TenancyModule.%s({ strategy: "schema" }) with TypeORM startup synchronize over existing tables (postgres)', (_how, tenancy) => {
  it('never drops a table the start-up synchronize did not create: one that existed before keeps its rows', async () => {
    const { options, dispose } = await postgres.connection();
    const database = new URL((options as { url: string }).url).pathname.slice(1);
    try {
      // A tenant table left in the shared schema by an earlier row-strategy deployment, with a row.
      await superuserQuery(
        database,
        `CREATE TABLE public.products (id serial PRIMARY KEY, name varchar NOT NULL, sku varchar(32) NOT NULL, tenant_id varchar(64) NOT NULL)`,
      );
      await superuserQuery(database, `INSERT INTO public.products (name, sku, tenant_id) VALUES ('kept', 'K-1', 'a')`);
      const moduleRef = Test.createTestingModule({
        imports: [TypeOrmModule.forRoot({ ...options, entities: CATALOG_ENTITIES, synchronize: true }), tenancy()],
      });
      const app = await (await moduleRef.compile()).createNestApplication().init();
      try {
        // It existed before start-up: left alone (the strategy never reads it), rows and all.
        expect(await superuserQuery(database, `SELECT name FROM public.products`)).toEqual([{ name: 'kept' }]);
        const tables = await superuserQuery(
          database,
          `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
        );
        expect(tables.map((row) => row.table_name)).toEqual(['categories', 'organizations', 'products']);
      } finally {
        await app.close();
      }
    } finally {
      await dispose();
    }
  });
});

class CreateLedger1700000000000 {
  async up(runner: { query(sql: string): Promise<unknown> }) {
    await runner.query(`CREATE TABLE ledger (id serial PRIMARY KEY, amount int NOT NULL)`);
  }
  async down(runner: { query(sql: string): Promise<unknown> }) {
    await runner.query(`DROP TABLE ledger`);
  }
}

class AddLedgerNote1700000000001 {
  async up(runner: { query(sql: string): Promise<unknown> }) {
    await runner.query(`ALTER TABLE ledger ADD COLUMN note text`);
  }
  async down(runner: { query(sql: string): Promise<unknown> }) {
    await runner.query(`ALTER TABLE ledger DROP COLUMN note`);
  }
}

describe('tenant migrations instead of entity metadata (postgres)', () => {
  it('runs the app tenant migrations in each schema, tracks them per schema, and leaves no search_path on pooled connections', async () => {
    const connection = await postgres.connection();
    const database = new URL((connection.options as { url: string }).url).pathname.slice(1);
    const ds = await new DataSource({ ...connection.options, poolSize: 2, entities: CATALOG_ENTITIES } as DataSourceOptions).initialize();
    try {
      const config = { ...CONFIG, migrations: [CreateLedger1700000000000] };
      enableSchemaTenancy(ds, config);
      const manager = new SchemaTenancyManager(ds, config);
      await manager.createTenantSchema('m1');
      await manager.createTenantSchema('m2');
      const columns = async (schema: string) =>
        (
          await superuserQuery<{ column_name: string }>(
            database,
            `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'ledger' ORDER BY 1`,
            [schema],
          )
        ).map((r) => r.column_name);
      expect(await columns('tenant_m1')).toEqual(['amount', 'id']);
      expect(await columns('public')).toEqual([]);
      const next = new SchemaTenancyManager(ds, { ...CONFIG, migrations: [CreateLedger1700000000000, AddLedgerNote1700000000001] });
      expect(await next.listTenantSchemas()).toEqual(['m1', 'm2']);
      expect((await next.migrateAll()).migrated).toBe(2);
      expect(await columns('tenant_m2')).toEqual(['amount', 'id', 'note']);
      const tracked = await superuserQuery(database, `SELECT name FROM tenant_m1.migrations ORDER BY id`);
      expect(tracked.map((r) => r.name)).toEqual(['CreateLedger1700000000000', 'AddLedgerNote1700000000001']);
      const paths = await Promise.all([ds.query('SHOW search_path'), ds.query('SHOW search_path')]);
      for (const [row] of paths) expect(row.search_path).not.toContain('tenant_');
    } finally {
      await ds.destroy();
      await connection.dispose();
    }
  });

  it('refuses migration classes without a timestamp at start-up', async () => {
    const moduleRef = Test.createTestingModule({
      imports: [TenancyModule.forRoot({ strategy: 'schema', schema: { migrations: [class NoTimestamp {}] as never } })],
    });
    await expect(moduleRef.compile().then((m) => m.createNestApplication().init())).rejects.toThrow(/"schema.migrations"/);
  });
});
