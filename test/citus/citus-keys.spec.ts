import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Column, DataSource, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { enableCitusKeys, runWithTenant, TenantScoped } from 'nestjs-tenancy';
import { CATALOG_ENTITIES, Note, Product, Review, Tag } from '../support/catalog.entities.js';
import { createTestDatabase, dropTestDatabase, postgresUrl, superuserQuery } from '../support/postgres.js';

/** Every kind of unique declaration on a scoped entity. */
@Entity('invoices')
@TenantScoped()
@Unique(['series', 'number'])
@Index(['reference'], { unique: true })
class Invoice {
  @PrimaryGeneratedColumn() id: number;
  @Column() series: string;
  @Column() number: number;
  @Column({ unique: true }) code: string;
  @Column() reference: string;
}

/** The constraint definitions of one table, as PostgreSQL prints them. */
async function constraints(database: string, table: string): Promise<string[]> {
  const rows = await superuserQuery<{ def: string }>(
    database,
    `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass AND contype IN ('p','u','f') ORDER BY 1`,
    [table],
  );
  return rows.map((row) => row.def);
}

describe('citus: true keys scoped tables by the tenant column (postgres)', () => {
  let database: string;
  let ds: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    ds = enableCitusKeys(
      new DataSource({ type: 'postgres', url: postgresUrl(database), entities: [...CATALOG_ENTITIES, Invoice], synchronize: true }),
    );
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await dropTestDatabase(database);
  });

  it('puts the tenant column in the primary key of every scoped table', async () => {
    expect(await constraints(database, 'products')).toContain('PRIMARY KEY (id, tenant_id)');
    expect(await constraints(database, 'notes')).toContain('PRIMARY KEY (id, org_id)');
  });
  it('keeps the primary key of a shared table single-column', async () => {
    expect(await constraints(database, 'categories')).toEqual(['PRIMARY KEY (id)']);
  });
  it('joins a many-to-one between scoped tables on the tenant column too', async () => {
    expect(await constraints(database, 'reviews')).toContain(
      'FOREIGN KEY ("productId", tenant_id) REFERENCES products(id, tenant_id) ON DELETE CASCADE',
    );
  });
  it('gives a scoped relation with onDelete SET NULL no foreign key (the tenant column cannot be nulled)', async () => {
    expect(await constraints(database, 'notes')).toEqual(['PRIMARY KEY (id, org_id)']);
  });
  it('references a shared table by its own key', async () => {
    expect(await constraints(database, 'products')).toContain('FOREIGN KEY ("categoryId") REFERENCES categories(id)');
  });
  it('gives a junction between scoped tables one tenant column in its key and both foreign keys', async () => {
    expect(await constraints(database, 'product_tags')).toEqual([
      'FOREIGN KEY ("productsId", tenant_id) REFERENCES products(id, tenant_id) ON DELETE CASCADE',
      'FOREIGN KEY ("tagsId", tenant_id) REFERENCES tags(id, tenant_id) ON DELETE CASCADE',
      'PRIMARY KEY ("productsId", tenant_id, "tagsId")',
    ]);
  });
  it('puts the tenant column in every unique constraint and unique index', async () => {
    const uniques = (await constraints(database, 'invoices')).filter((def) => def.startsWith('UNIQUE'));
    expect(uniques).toEqual(['UNIQUE (code, tenant_id)', 'UNIQUE (series, number, tenant_id)']);
    const indexes = await superuserQuery<{ def: string }>(
      database,
      `SELECT indexdef AS def FROM pg_indexes WHERE tablename IN ('invoices', 'products') AND indexdef LIKE 'CREATE UNIQUE%' AND indexname NOT LIKE 'PK_%' AND indexname NOT LIKE 'UQ_%' ORDER BY 1`,
    );
    expect(indexes.map((row) => row.def.replace(/ INDEX "?\w+"? ON/, ' INDEX ON'))).toEqual([
      'CREATE UNIQUE INDEX ON public.invoices USING btree (reference, tenant_id)',
      'CREATE UNIQUE INDEX ON public.products USING btree (tenant_id, sku)',
    ]);
  });
  it('round-trips relations: stamping, relation ids and junction rows', async () => {
    const saved = await runWithTenant('a', async () => {
      const tag = await ds.getRepository(Tag).save({ label: 't' });
      const product = await ds.getRepository(Product).save({ name: 'P', sku: 'S', tags: [tag] });
      await ds.getRepository(Review).save({ body: 'r', product: { id: product.id } });
      await ds.getRepository(Note).save({ text: 'n', pinned: { id: product.id } });
      return ds.getRepository(Product).findOne({ where: { id: product.id }, relations: { reviews: true, tags: true } });
    });
    expect(saved?.reviews.map((review) => review.body)).toEqual(['r']);
    expect(saved?.tags.map((tag) => tag.label)).toEqual(['t']);
    const notes = await runWithTenant('a', () => ds.getRepository(Note).find());
    expect(notes.map((note) => [note.tenantId, note.pinned?.name])).toEqual([['a', 'P']]);
  });
});

describe('citus: true on SQLite (sqlite)', () => {
  it('refuses to build: Citus keys are for a Citus coordinator', async () => {
    const ds = enableCitusKeys(new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: CATALOG_ENTITIES }));
    await expect(ds.initialize()).rejects.toThrow(/"citus" needs PostgreSQL with the Citus extension; this DataSource is 'better-sqlite3'/);
  });
});
