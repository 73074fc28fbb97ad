import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { runWithTenant } from 'nestjs-tenancy';
import { CATALOG_ENTITIES, Category, Note, Product, Review, Tag } from '../support/catalog.entities.js';
import { seedCatalog, type CatalogSeed } from '../support/catalog.seed.js';
import { DIALECTS, type TestDataSource } from '../support/dialects.js';

const names = (rows: { name: string }[]) => rows.map((row) => row.name).sort();
const asA = <T>(fn: () => Promise<T>) => runWithTenant('a', fn);

describe.each(DIALECTS)('reads of tenant a see only tenant a ($name)', (dialect) => {
  let db: TestDataSource;
  let ds: DataSource;
  let seed: CatalogSeed;

  beforeAll(async () => {
    db = await dialect.open(CATALOG_ENTITIES, { cache: true });
    ds = db.dataSource;
    seed = await seedCatalog(ds);
    Product.useDataSource(ds);
  });
  afterAll(() => db.close());

  const products = () => ds.getRepository(Product);

  describe('repository finders', () => {
    it('find returns only the tenant rows', async () => {
      expect(names(await asA(() => products().find()))).toEqual(['A1', 'A2']);
    });
    it('findBy on a value both tenants hold returns only the tenant row', async () => {
      expect(names(await asA(() => products().findBy({ sku: 'S-1' })))).toEqual(['A1']);
    });
    it('findOne by a guessed foreign id returns null', async () => {
      expect(await asA(() => products().findOne({ where: { id: seed.b1.id } }))).toBeNull();
    });
    it('findOneBy by a guessed foreign id returns null', async () => {
      expect(await asA(() => products().findOneBy({ id: seed.b1.id }))).toBeNull();
    });
    it('findOneOrFail by a foreign id fails as not found', async () => {
      await expect(asA(() => products().findOneOrFail({ where: { id: seed.b1.id } }))).rejects.toThrow(/Could not find/);
    });
    it('findAndCount counts only the tenant rows', async () => {
      const [rows, count] = await asA(() => products().findAndCount());
      expect([names(rows), count]).toEqual([['A1', 'A2'], 2]);
    });
    it('count and countBy count only the tenant rows', async () => {
      expect(await asA(() => products().count())).toBe(2);
      expect(await asA(() => products().countBy({ sku: 'S-3' }))).toBe(0);
    });
    it('exists and existsBy cannot probe a foreign id', async () => {
      expect(await asA(() => products().exists({ where: { id: seed.b1.id } }))).toBe(false);
      expect(await asA(() => products().existsBy({ sku: 'S-3' }))).toBe(false);
    });
    it('sum, average, minimum and maximum aggregate only the tenant rows', async () => {
      expect(await asA(() => products().sum('price'))).toBe(30);
      expect(await asA(() => products().average('price'))).toBe(15);
      expect(await asA(() => products().minimum('price'))).toBe(10);
      expect(await asA(() => products().maximum('price'))).toBe(20);
    });
    it('findOne with relations and a limit keeps the tenant parameter in the pagination query', async () => {
      const rows = await asA(() => products().find({ relations: { reviews: true }, take: 1, order: { id: 'ASC' } }));
      expect(rows.map((row) => [row.name, row.reviews.map((review) => review.body)])).toEqual([['A1', ['a on A1']]]);
    });
  });

  describe('Active Record statics', () => {
    it('BaseEntity find, count and findOneBy are filtered', async () => {
      expect(names(await asA(() => Product.find()))).toEqual(['A1', 'A2']);
      expect(await asA(() => Product.count())).toBe(2);
      expect(await asA(() => Product.findOneBy({ id: seed.b2.id }))).toBeNull();
    });
  });

  describe('query builders', () => {
    const qb = () => products().createQueryBuilder('p');
    it('getMany, getOne and getCount are filtered', async () => {
      expect(names(await asA(() => qb().getMany()))).toEqual(['A1', 'A2']);
      expect(await asA(() => qb().where('p.id = :id', { id: seed.b1.id }).getOne())).toBeNull();
      expect(await asA(() => qb().getCount())).toBe(2);
    });
    it('an OR in the caller WHERE cannot widen the filter', async () => {
      const rows = await asA(() => qb().where('p.sku = :s', { s: 'S-3' }).orWhere('1 = 1').getMany());
      expect(names(rows)).toEqual(['A1', 'A2']);
    });
    it('getRawMany and getRawOne are filtered', async () => {
      const raw = await asA(() => qb().select('p.name', 'name').orderBy('p.name').getRawMany());
      expect(raw.map((row) => row.name)).toEqual(['A1', 'A2']);
      expect(await asA(() => qb().select('SUM(p.price)', 'total').getRawOne())).toMatchObject({ total: 30 });
    });
    it('stream is filtered (SQLite: TypeORM has no stream, so no path to leak)', async () => {
      if (dialect.name === 'sqlite') {
        await expect(asA(() => qb().stream())).rejects.toThrow(/not supported/);
        return;
      }
      const stream = await asA(() => qb().select('p.name', 'name').stream());
      const seen: string[] = [];
      for await (const row of stream) seen.push((row as { name: string }).name);
      expect(seen.sort()).toEqual(['A1', 'A2']);
    });
    it('a caller-supplied tenant parameter cannot pick another tenant', async () => {
      const rows = await asA(() => qb().setParameter('tenancy_tenant_id', 'b').getMany());
      expect(names(rows)).toEqual(['A1', 'A2']);
    });
    it('a query by table name is filtered like one by entity', async () => {
      const raw = await asA(() => ds.createQueryBuilder().select('t.name', 'name').from('products', 't').getRawMany());
      expect(raw.map((row) => row.name).sort()).toEqual(['A1', 'A2']);
    });
    it('an extra FROM alias (implicit cross join) is filtered', async () => {
      const raw = await asA(() =>
        ds
          .createQueryBuilder()
          .select('p2.name', 'name')
          .from(Category, 'c')
          .addFrom(Product, 'p2')
          .where('c.name = :n', { n: 'Tools' })
          .getRawMany(),
      );
      expect(raw.map((row) => row.name).sort()).toEqual(['A1', 'A2']);
    });
    it('a subquery on a scoped entity is filtered', async () => {
      const rows = await asA(() => {
        const q = ds.getRepository(Category).createQueryBuilder('c');
        const sub = q.subQuery().select('p.categoryId').from(Product, 'p').getQuery();
        return q.where(`c.id IN ${sub}`).getMany();
      });
      expect(names(rows)).toEqual(['Tools']);
    });
    it('a fixed cache id does not serve one tenant rows to another', async () => {
      const cached = () => products().createQueryBuilder('p').cache('all-products', 60_000).getMany();
      expect(names(await asA(cached))).toEqual(['A1', 'A2']);
      expect(names(await runWithTenant('b', cached))).toEqual(['B1', 'B2']);
    });
  });

  describe('relations and joins', () => {
    it('relations: loads only the tenant children, not planted foreign ones', async () => {
      const a1 = await asA(() => products().findOne({ where: { id: seed.a1.id }, relations: { reviews: true, tags: true } }));
      expect(a1?.reviews.map((r) => r.body)).toEqual(['a on A1']);
      expect(a1?.tags.map((t) => t.label)).toEqual(['red']);
    });
    it('a foreign key into another tenant resolves to null and keeps the row', async () => {
      const reviews = await asA(() => ds.getRepository(Review).find({ relations: { product: true }, order: { id: 'ASC' } }));
      expect(reviews.map((r) => [r.body, r.product?.name ?? null])).toEqual([
        ['a on A1', 'A1'],
        ['a on B1', null],
      ]);
    });
    it('eager relations are filtered', async () => {
      const notes = await asA(() => ds.getRepository(Note).find({ order: { id: 'ASC' } }));
      expect(notes.map((n) => [n.text, n.pinned?.name ?? null])).toEqual([
        ['a about A1', 'A1'],
        ['a about B1', null],
      ]);
    });
    it('lazy relations are filtered', async () => {
      const [own, planted] = await asA(async () => {
        const notes = await ds.getRepository(Note).find({ order: { id: 'ASC' } });
        return Promise.all(notes.map((n) => n.about));
      });
      expect([own?.name, planted]).toEqual(['A1', null]);
    });
    it('RelationQueryBuilder loadMany and loadOne are filtered', async () => {
      const tags = await asA(() => ds.createQueryBuilder().relation(Product, 'tags').of(seed.a1.id).loadMany<Tag>());
      expect(tags.map((t) => t.label)).toEqual(['red']);
      const product = await asA(() => ds.createQueryBuilder().relation(Review, 'product').of(seed.raPlanted.id).loadOne());
      expect(product ?? null).toBeNull();
    });
    it('leftJoinAndSelect from an unscoped root keeps every root row and only tenant children', async () => {
      const categories = await asA(() =>
        ds.getRepository(Category).createQueryBuilder('c').leftJoinAndSelect('c.products', 'p').orderBy('c.id').getMany(),
      );
      expect(categories.map((c) => [c.name, names(c.products)])).toEqual([
        ['Tools', ['A1']],
        ['Garden', []],
      ]);
    });
    it('innerJoinAndSelect from an unscoped root drops roots with only foreign children', async () => {
      const categories = await asA(() =>
        ds.getRepository(Category).createQueryBuilder('c').innerJoinAndSelect('c.products', 'p').getMany(),
      );
      expect(categories.map((c) => [c.name, names(c.products)])).toEqual([['Tools', ['A1']]]);
    });
    it('leftJoin and innerJoin by entity with a custom condition are filtered', async () => {
      const rows = await asA(() =>
        ds
          .getRepository(Review)
          .createQueryBuilder('r')
          .innerJoin(Product, 'p', 'p.id = r.productId')
          .select(['r.body AS body', 'p.name AS name'])
          .getRawMany(),
      );
      expect(rows).toEqual([{ body: 'a on A1', name: 'A1' }]);
    });
    it('a join by table name is filtered', async () => {
      const rows = await asA(() =>
        ds
          .getRepository(Category)
          .createQueryBuilder('c')
          .leftJoin('products', 'p', 'p.categoryId = c.id')
          .select('p.name', 'name')
          .where('p.name IS NOT NULL')
          .getRawMany(),
      );
      expect(rows.map((row) => row.name)).toEqual(['A1']);
    });
    it('a scoped root joined to a scoped child filters both', async () => {
      const rows = await asA(() =>
        products().createQueryBuilder('p').leftJoinAndSelect('p.reviews', 'r').where('p.sku = :s', { s: 'S-1' }).getMany(),
      );
      expect(rows.map((p) => [p.name, p.reviews.map((r) => r.body)])).toEqual([['A1', ['a on A1']]]);
    });
  });

  it('entities without @TenantScoped are untouched', async () => {
    expect(names(await ds.getRepository(Category).find())).toEqual(['Garden', 'Tools']);
    db.statements.reset();
    await ds.getRepository(Category).find();
    expect(db.statements.statements.join('\n')).not.toContain('tenant');
  });
});
