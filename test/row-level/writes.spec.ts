import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { bypassTenantFilter, runWithTenant, TenantIsolationError } from 'nestjs-tenancy';
import { CATALOG_ENTITIES, Product, Review } from '../support/catalog.entities.js';
import { clearTablesRaw, seedCatalog, type CatalogSeed } from '../support/catalog.seed.js';
import { DIALECTS, type TestDataSource } from '../support/dialects.js';
import { onCitus } from '../support/citus.js';
import { INSERT_FROM_SELECT_ABSENT } from '../support/typeorm-features.js';

const asA = <T>(fn: () => Promise<T>) => runWithTenant('a', fn);
const all = <T>(fn: () => Promise<T>) => bypassTenantFilter(fn, { reason: 'test assertion' });

describe.each(DIALECTS)('writes of tenant a touch only tenant a ($name)', (dialect) => {
  let db: TestDataSource;
  let ds: DataSource;
  let seed: CatalogSeed;

  beforeAll(async () => {
    db = await dialect.open(CATALOG_ENTITIES);
    ds = db.dataSource;
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    await all(async () => {
      await clearTablesRaw(ds);
    });
    seed = await seedCatalog(ds);
    db.statements.reset();
  });

  const products = () => ds.getRepository(Product);
  const snapshot = () =>
    all(() => products().find({ withDeleted: true, order: { id: 'ASC' } })).then((rows) =>
      rows.map(({ id, tenantId, name, sku, price, stock, deletedAt }) => ({
        id,
        tenantId,
        name,
        sku,
        price,
        stock,
        deleted: deletedAt !== null,
      })),
    );
  const tenantB = async () => (await snapshot()).filter((row) => row.tenantId === 'b');
  /** Runs `attack` and asserts tenant b's rows are exactly as before. */
  const bUnchangedBy = async (attack: () => Promise<unknown>) => {
    const before = await tenantB();
    await attack();
    expect(await tenantB()).toEqual(before);
  };
  const refused = async (attack: () => Promise<unknown>, code: string) => {
    const before = await snapshot();
    db.statements.reset();
    await expect(attack()).rejects.toMatchObject({ name: TenantIsolationError.name, code });
    expect(db.statements.statements.filter((sql) => /^\s*(INSERT|UPDATE|DELETE|TRUNCATE)/i.test(sql))).toEqual([]);
    expect(await snapshot()).toEqual(before);
  };

  describe('inserts are stamped with the current tenant', () => {
    it('insert stamps tenantId', async () => {
      const result = await asA(() => products().insert({ name: 'N', sku: 'N-1' }));
      const row = await all(() => products().findOneByOrFail({ id: result.identifiers[0].id }));
      expect(row.tenantId).toBe('a');
    });
    it('create + save stamps the entity object and the row', async () => {
      const saved = await asA(() => products().save(products().create({ name: 'N', sku: 'N-2' })));
      expect(saved.tenantId).toBe('a');
      expect((await all(() => products().findOneByOrFail({ id: saved.id }))).tenantId).toBe('a');
    });
    it('Active Record save stamps tenantId', async () => {
      Product.useDataSource(ds);
      const product = Object.assign(new Product(), { name: 'AR', sku: 'AR-1' });
      await asA(() => product.save());
      expect((await all(() => Product.findOneByOrFail({ id: product.id }))).tenantId).toBe('a');
    });
    it('InsertQueryBuilder stamps every value set', async () => {
      await asA(() =>
        ds
          .createQueryBuilder()
          .insert()
          .into(Product)
          .values([
            { name: 'Q1', sku: 'Q-1' },
            { name: 'Q2', sku: 'Q-2' },
          ])
          .execute(),
      );
      const rows = await all(() => products().findBy({ name: 'Q1' }));
      expect(rows.map((r) => r.tenantId)).toEqual(['a']);
    });
    it('save with listeners off (subscribers skipped) is still stamped', async () => {
      const saved = await asA(() => products().save({ name: 'L', sku: 'L-1' }, { listeners: false }));
      expect((await all(() => products().findOneByOrFail({ id: saved.id }))).tenantId).toBe('a');
    });
    it('an explicit tenantId equal to the current tenant is accepted', async () => {
      await asA(() => products().insert({ name: 'E', sku: 'E-1', tenantId: 'a' }));
      expect(await asA(() => products().countBy({ sku: 'E-1' }))).toBe(1);
    });
  });

  describe('a foreign tenantId on write is refused before any SQL', () => {
    it('insert with a foreign tenantId', () =>
      refused(() => asA(() => products().insert({ name: 'X', sku: 'X-1', tenantId: 'b' })), 'TENANT_MISMATCH'));
    it('save with a foreign tenantId', () =>
      refused(() => asA(() => products().save({ name: 'X', sku: 'X-2', tenantId: 'b' })), 'TENANT_MISMATCH'));
    it('InsertQueryBuilder with one foreign value set writes none of them', () =>
      refused(
        () =>
          asA(() =>
            ds
              .createQueryBuilder()
              .insert()
              .into(Product)
              .values([
                { name: 'ok', sku: 'X-3' },
                { name: 'X', sku: 'X-4', tenantId: 'b' },
              ])
              .execute(),
          ),
        'TENANT_MISMATCH',
      ));
    it('a raw SQL expression as tenantId', () =>
      refused(
        () =>
          asA(() =>
            ds
              .createQueryBuilder()
              .insert()
              .into(Product)
              .values({ name: 'X', sku: 'X-5', tenantId: () => "'b'" })
              .execute(),
          ),
        'TENANT_MISMATCH',
      ));
    it.skipIf(INSERT_FROM_SELECT_ABSENT !== undefined)('INSERT ... SELECT into a scoped entity', () =>
      refused(
        () =>
          asA(() =>
            ds
              .createQueryBuilder()
              .insert()
              .into(Product, ['name', 'sku', 'tenantId'])
              .valuesFromSelect((qb) => qb.select(["'x'", "'X-6'", "'b'"]).from(Review, 'r'))
              .execute(),
          ),
        'TENANT_UNSUPPORTED_QUERY',
      ),
    );
  });

  describe('per-tenant unique constraints (@TenantUnique)', () => {
    it('two tenants may hold the same sku, one tenant may not hold it twice', async () => {
      await runWithTenant('b', () => products().insert({ name: 'B-dup', sku: 'S-2' }));
      await expect(asA(() => products().insert({ name: 'A-dup', sku: 'S-2' }))).rejects.toThrow(/unique|duplicate/i);
    });
  });

  describe('upsert', () => {
    it('upsert on a sku another tenant also holds updates only the tenant row', async () => {
      await bUnchangedBy(() => asA(() => products().upsert({ name: 'A1 renamed', sku: 'S-1', price: 11 }, ['sku'])));
      expect(await asA(() => products().findOneByOrFail({ sku: 'S-1' }))).toMatchObject({ name: 'A1 renamed', price: 11 });
    });
    it('upsert of a sku only another tenant holds inserts a new tenant row', async () => {
      await bUnchangedBy(() => asA(() => products().upsert({ name: 'mine', sku: 'S-3' }, ['sku'])));
      expect(await asA(() => products().findOneByOrFail({ sku: 'S-3' }))).toMatchObject({ name: 'mine', tenantId: 'a' });
    });
    it('upsert on a constraint without the tenant column is refused', () =>
      refused(
        () =>
          asA(() =>
            ds
              .createQueryBuilder()
              .insert()
              .into(Product)
              .values({ name: 'x', sku: 'S-1' })
              .orUpdate(['name'], 'some_global_unique')
              .execute(),
          ),
        'TENANT_UNSUPPORTED_QUERY',
      ));
  });

  describe('updates and deletes by id or criteria touch only tenant rows', () => {
    it('update by a foreign id changes nothing', async () => {
      await bUnchangedBy(async () => expect((await asA(() => products().update({ id: seed.b1.id }, { name: 'pwned' }))).affected).toBe(0));
    });
    it('update by criteria both tenants match changes only the tenant row', async () => {
      await bUnchangedBy(() => asA(() => products().update({ sku: 'S-1' }, { price: 1 })));
      expect((await asA(() => products().findOneByOrFail({ sku: 'S-1' }))).price).toBe(1);
    });
    it('UpdateQueryBuilder with an OR cannot reach foreign rows', async () => {
      await bUnchangedBy(() =>
        asA(() =>
          ds.createQueryBuilder().update(Product).set({ name: 'pwned' }).where('id = :id', { id: seed.b1.id }).orWhere('1 = 1').execute(),
        ),
      );
      expect(names(await asA(() => products().find()))).toEqual(['pwned', 'pwned']);
    });
    it('increment and decrement touch only tenant rows', async () => {
      await bUnchangedBy(async () => {
        await asA(() => products().increment({ sku: 'S-1' }, 'stock', 10));
        await asA(() => products().decrement({ id: seed.b1.id }, 'stock', 10));
      });
      expect((await asA(() => products().findOneByOrFail({ id: seed.a1.id }))).stock).toBe(15);
    });
    it('delete by a foreign id deletes nothing', async () => {
      await bUnchangedBy(async () => expect((await asA(() => products().delete({ id: seed.b2.id }))).affected).toBe(0));
    });
    it('delete by criteria both tenants match deletes only the tenant row', async () => {
      await bUnchangedBy(() => asA(() => products().delete({ sku: 'S-1' })));
      expect(names(await asA(() => products().find()))).toEqual(['A2']);
    });
    it('DeleteQueryBuilder cannot reach foreign rows', async () => {
      await bUnchangedBy(() => asA(() => ds.createQueryBuilder().delete().from(Product).where('1 = 1').execute()));
    });
    it('softDelete of a foreign id changes nothing', async () => {
      await bUnchangedBy(() => asA(() => products().softDelete({ id: seed.b1.id })));
    });
    it('restore of a foreign soft-deleted id changes nothing', async () => {
      await all(() => products().softDelete({ id: seed.b2.id }));
      await bUnchangedBy(() => asA(() => products().restore({ id: seed.b2.id })));
      expect((await tenantB()).find((row) => row.id === seed.b2.id)?.deleted).toBe(true);
    });
    it('softDelete by criteria both tenants match hides only the tenant row', async () => {
      await bUnchangedBy(() => asA(() => products().softDelete({ sku: 'S-1' })));
      expect(names(await asA(() => products().find()))).toEqual(['A2']);
    });
    it('remove of an entity carrying a foreign id removes nothing', async () => {
      await bUnchangedBy(() => asA(() => products().remove(products().create({ id: seed.b1.id }))));
    });
    it('save of an entity carrying a foreign primary key never changes that row', async () => {
      // The row is invisible, so save() takes it for new: SQLite's INSERT hits the
      // primary key, PostgreSQL's lets the sequence pick a fresh id for tenant a.
      let outcome: unknown;
      await bUnchangedBy(async () => {
        outcome = await asA(() => products().save({ id: seed.b1.id, name: 'hijack', sku: 'H-1' })).catch((error: unknown) => error);
      });
      if (!(outcome instanceof Error)) {
        expect(outcome).toMatchObject({ tenantId: 'a' });
        expect((outcome as Product).id).not.toBe(seed.b1.id);
      }
    });
    it('clear() inside a tenant deletes only that tenant rows', async () => {
      await bUnchangedBy(() => asA(() => ds.getRepository(Review).clear()));
      expect(await asA(() => ds.getRepository(Review).count())).toBe(0);
      expect(await runWithTenant('b', () => ds.getRepository(Review).count())).toBe(1);
    });
    it('RelationQueryBuilder cannot attach a foreign child: refused before the UPDATE', async () => {
      await refused(
        () => asA(() => ds.createQueryBuilder().relation(Product, 'reviews').of(seed.a1.id).add(seed.rb1.id)),
        'TENANT_MISMATCH',
      );
      const rb1 = await all(() => ds.getRepository(Review).findOneOrFail({ where: { id: seed.rb1.id }, relations: { product: true } }));
      expect(rb1.product?.id).toBe(seed.b1.id);
    });
  });

  describe('a row never moves to another tenant outside a bypass', () => {
    it('update setting tenantId is refused', () =>
      refused(() => asA(() => products().update({ id: seed.a1.id }, { tenantId: 'b' })), 'TENANT_MOVE'));
    it('UpdateQueryBuilder setting tenantId with listeners off is refused', () =>
      refused(
        () =>
          asA(() =>
            ds
              .createQueryBuilder()
              .update(Product)
              .set({ tenantId: 'b' })
              .where('id = :id', { id: seed.a1.id })
              .callListeners(false)
              .execute(),
          ),
        'TENANT_MOVE',
      ));
    it('save of a loaded entity with tenantId changed is refused', async () => {
      const a1 = await asA(() => products().findOneByOrFail({ id: seed.a1.id }));
      a1.tenantId = 'b';
      // Under Citus keys the tenant is part of the row's identity, so save()
      // takes the changed entity for a new row of tenant b: refused as such.
      await refused(() => asA(() => products().save(a1)), onCitus ? 'TENANT_MISMATCH' : 'TENANT_MOVE');
    });
    it('a bypass may move a row deliberately', async () => {
      const move = all(() => products().update({ id: seed.a2.id }, { tenantId: 'b' }));
      if (onCitus) {
        // Citus cannot change a row's distribution column: a move is delete + insert.
        await expect(move).rejects.toThrow(/modifying the partition value of rows is not allowed/);
        return;
      }
      await move;
      expect((await tenantB()).map((row) => row.name)).toContain('A2');
    });
  });
});

function names(rows: { name: string }[]): string[] {
  return rows.map((row) => row.name).sort();
}
