import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWithTenant } from 'nestjs-tenancy';
import type { DataSource } from 'typeorm';
import { CATALOG_ENTITIES, Product } from '../support/catalog.entities.js';
import { openDataSource, openRlsFixture, seedCatalog, type RlsFixture } from './support/rls-fixture.js';
import { RoundTripCounter } from './support/round-trips.js';

/**
 * The tenant setting rides in the same round trip as the statement: RLS must
 * not double the latency of every repository call outside a transaction.
 */
describe('RLS: round trips', () => {
  let fx: RlsFixture;
  let plain: DataSource;
  let rlsTrips: RoundTripCounter;
  let plainTrips: RoundTripCounter;
  beforeAll(async () => {
    fx = await openRlsFixture({ poolSize: 1 });
    await seedCatalog(fx.app);
    // Same role, same tables, no session hook: the baseline for counting (it sees no rows).
    plain = await openDataSource(fx.db.app.url, CATALOG_ENTITIES, { poolSize: 1 }, false);
    rlsTrips = new RoundTripCounter(fx.app);
    plainTrips = new RoundTripCounter(plain);
    // Warm both pools so connection set-up is not counted.
    await fx.app.query('SELECT 1');
    await plain.query('SELECT 1');
  });
  afterAll(async () => {
    await plain?.destroy();
    await fx?.close();
  });

  it('a raw statement outside a transaction is one round trip, set_config included', async () => {
    const rows = await rlsTrips.measure(() => runWithTenant('a', () => fx.app.query('SELECT * FROM products')));
    expect(rows).toBe(1);
    const withParams = await rlsTrips.measure(() => runWithTenant('a', () => fx.app.query('SELECT * FROM products WHERE price > $1', [0])));
    expect(withParams).toBe(1);
  });

  it('a repository find() costs what it costs without RLS', async () => {
    const find = (dataSource: DataSource) => runWithTenant('a', () => dataSource.getRepository(Product).find());
    expect(await rlsTrips.measure(() => find(fx.app))).toBe(await plainTrips.measure(() => find(plain)));
  });

  it('a repository save() (its own transaction) adds no round trip', async () => {
    const trips = await rlsTrips.measure(() => runWithTenant('a', () => fx.app.getRepository(Product).save({ name: 'n', sku: 'RT-1' })));
    expect(trips).toBe(3); // START TRANSACTION, INSERT ... RETURNING (set_config rides along), COMMIT
  });

  it('an explicit transaction adds no round trip: each statement carries the setting', async () => {
    const trips = await rlsTrips.measure(() =>
      runWithTenant('a', () =>
        fx.app.transaction(async (manager) => {
          await manager.query('SELECT * FROM products');
          await manager.query('SELECT * FROM notes');
          await manager.query('SELECT count(*) FROM products');
        }),
      ),
    );
    expect(trips).toBe(5); // START, 3 statements, COMMIT
  });

  it("inside a block the library did not open (a user's BEGIN), each statement still costs one round trip", async () => {
    const runner = fx.app.createQueryRunner();
    try {
      await runner.query('BEGIN');
      expect(await rlsTrips.measure(() => runWithTenant('a', () => runner.query('SELECT * FROM products')))).toBe(1);
      // No tenant: the cleared setting rides along, as the block may hold the one just sent.
      expect(await rlsTrips.measure(() => runner.query('SELECT * FROM products'))).toBe(1);
    } finally {
      await runner.query('ROLLBACK');
      await runner.release();
    }
  });

  it('no tenant and no bypass add nothing to the statement', async () => {
    const { statements } = fx;
    statements.reset();
    expect(await rlsTrips.measure(() => fx.app.query('SELECT * FROM products'))).toBe(1);
    expect(statements.statements).toEqual(['SELECT * FROM products']);
  });
});
