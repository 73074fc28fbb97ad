import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource, Logger } from 'typeorm';
import { runWithTenant, type TenantAuditEvent } from 'nestjs-tenancy';
import { bypassUnder } from '../support/context-settings.js';
import { CATALOG_ENTITIES, Category, Note, Product, Review, Tag } from '../support/catalog.entities.js';
import { DIALECTS, type TestDataSource } from '../support/dialects.js';
import { taskCount } from '../support/citus.js';

/** Every DML statement a DataSource sends, with its parameters, to EXPLAIN afterwards. */
class StatementLog implements Logger {
  statements: Array<{ query: string; parameters: unknown[] }> = [];
  logQuery(query: string, parameters?: unknown[]): void {
    if (/^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i.test(query)) this.statements.push({ query, parameters: parameters ?? [] });
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

const postgres = DIALECTS.find((dialect) => dialect.name === 'postgres')!;

describe('every statement built inside a tenant routes to one shard (citus)', () => {
  let db: TestDataSource;
  let ds: DataSource;
  let log: StatementLog;

  beforeAll(async () => {
    log = new StatementLog();
    db = await postgres.open(CATALOG_ENTITIES, { logger: log, logging: ['query'] });
    ds = db.dataSource;
    const tools = await ds.getRepository(Category).save({ name: 'Tools' });
    for (const tenant of ['a', 'b', 'c', 'd']) {
      await runWithTenant(tenant, async () => {
        const tag = await ds.getRepository(Tag).save({ label: `${tenant}-tag` });
        const product = await ds.getRepository(Product).save({ name: `${tenant}1`, sku: 'S-1', price: 10, category: tools, tags: [tag] });
        await ds.getRepository(Review).save({ body: `${tenant} review`, product });
        await ds.getRepository(Note).save({ text: `${tenant} note`, pinned: product });
      });
    }
  });
  afterAll(() => db.close());

  /** Runs fn as tenant a and EXPLAINs each statement it sent; returns their task counts. */
  async function tasks(fn: () => Promise<unknown>): Promise<number[]> {
    log.statements = [];
    await runWithTenant('a', fn);
    const sent = log.statements;
    expect(sent.length).toBeGreaterThan(0);
    const counts: number[] = [];
    for (const { query, parameters } of sent) {
      const plan = (await ds.query(`EXPLAIN ${query}`, parameters)) as Array<{ 'QUERY PLAN': string }>;
      counts.push(taskCount(plan) ?? Number.NaN);
    }
    return counts;
  }
  const oneShardEach = async (fn: () => Promise<unknown>) => {
    const counts = await tasks(fn);
    expect(
      counts.every((count) => count === 1),
      `task counts ${JSON.stringify(counts)}`,
    ).toBe(true);
  };
  const products = () => ds.getRepository(Product);

  it('find routes to one shard', () => oneShardEach(() => products().find()));
  it('findOneBy an id routes to one shard', () => oneShardEach(() => products().findOneBy({ sku: 'S-1' })));
  it('find with relations (join, many-to-many, paging) routes to one shard', () =>
    oneShardEach(() => products().find({ relations: { reviews: true, tags: true, category: true }, take: 5, order: { id: 'ASC' } })));
  it('an eager relation routes to one shard', () => oneShardEach(() => ds.getRepository(Note).find()));
  it('a lazy relation load routes to one shard', () =>
    oneShardEach(async () => {
      const [note] = await ds.getRepository(Note).find();
      return note.about;
    }));
  it('count and findAndCount route to one shard', () =>
    oneShardEach(async () => {
      await products().count();
      await products().findAndCount({ skip: 0, take: 2 });
    }));
  it('a QueryBuilder join with aggregates routes to one shard', () =>
    oneShardEach(() =>
      ds
        .getRepository(Review)
        .createQueryBuilder('review')
        .innerJoin('review.product', 'product')
        .select('product.name', 'name')
        .addSelect('COUNT(*)', 'reviews')
        .groupBy('product.name')
        .getRawMany(),
    ));
  it('RelationQueryBuilder loads route to one shard', async () => {
    const product = await runWithTenant('a', () => products().findOneByOrFail({ sku: 'S-1' }));
    await oneShardEach(() => ds.createQueryBuilder().relation(Product, 'tags').of(product).loadMany());
  });
  it('insert through save routes to one shard', () => oneShardEach(() => products().save({ name: 'a-new', sku: 'S-9' })));
  it('update and QueryBuilder update route to one shard', () =>
    oneShardEach(async () => {
      await products().update({ sku: 'S-9' }, { price: 12 });
      await products().createQueryBuilder().update().set({ stock: 3 }).where('sku = :sku', { sku: 'S-9' }).execute();
    }));
  it('upsert routes to one shard', () =>
    oneShardEach(() => ds.getRepository(Tag).upsert({ id: 1, label: 'a-upserted' }, ['id', 'tenantId'])));
  it('increment routes to one shard', () => oneShardEach(() => products().increment({ sku: 'S-9' }, 'stock', 1)));
  it('soft delete, restore and delete route to one shard', () =>
    oneShardEach(async () => {
      await products().softDelete({ sku: 'S-9' });
      await products().restore({ sku: 'S-9' });
      await products().delete({ sku: 'S-9' });
    }));
  it('many-to-many add and remove route to one shard', async () => {
    const [product, tag] = await runWithTenant('a', () =>
      Promise.all([products().findOneByOrFail({ sku: 'S-1' }), ds.getRepository(Tag).findOneByOrFail({ label: 'a-upserted' })]),
    );
    await oneShardEach(async () => {
      await ds.createQueryBuilder().relation(Product, 'tags').of(product).remove(tag);
      await ds.createQueryBuilder().relation(Product, 'tags').of(product).add(tag);
    });
  });

  it('a bypassed cross-tenant read fans out on purpose and the audit says so', async () => {
    const events: TenantAuditEvent[] = [];
    // The `routing: 'all-shards'` detail comes with TenancyModule({ citus: true })'s settings (tenancy-options.validator.spec).
    const bypass = bypassUnder(() => ({ audit: { record: (event) => void events.push(event) } }));
    const counts = await tasks(() => bypass(() => products().find(), { reason: 'report over all tenants' }));
    expect(counts.some((count) => count > 1)).toBe(true);
    expect(events.map((event) => event.reason)).toEqual(['report over all tenants']);
  });
});
