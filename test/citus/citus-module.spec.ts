import { Test } from '@nestjs/testing';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { afterEach, describe, expect, it } from 'vitest';
import { enableCitusKeys, TenancyModule } from 'nestjs-tenancy';
import { CATALOG_ENTITIES, Product } from '../support/catalog.entities.js';
import { createTestDatabase, dropTestDatabase, postgresUrl } from '../support/postgres.js';

describe('TenancyModule({ citus: true }) builds Citus keys (postgres)', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function database() {
    const name = await createTestDatabase();
    cleanup.push(() => dropTestDatabase(name));
    return { type: 'postgres' as const, url: postgresUrl(name), entities: CATALOG_ENTITIES, synchronize: true };
  }
  const primaryKey = (ds: DataSource) => ds.getMetadata(Product).primaryColumns.map((column) => column.databaseName);

  it('forRoot keys the scoped tables by the tenant column before synchronize', async () => {
    const options = await database();
    const app = await Test.createTestingModule({
      imports: [TypeOrmModule.forRoot(options), TenancyModule.forRoot({ citus: true })],
    }).compile();
    cleanup.push(() => app.close());
    await app.init();
    expect(primaryKey(app.get<DataSource>(getDataSourceToken()))).toEqual(['id', 'tenant_id']);
  });
  it('forRootAsync with a DataSource built without the keys refuses to start, naming the option', async () => {
    const options = await database();
    const app = await Test.createTestingModule({
      imports: [TypeOrmModule.forRoot(options), TenancyModule.forRootAsync({ useFactory: () => ({ citus: true }) })],
    }).compile();
    cleanup.push(() => app.close());
    await expect(app.init()).rejects.toThrow(/"citus" is set, but this DataSource was built with single-column keys/);
  });
  it('forRootAsync with dataSourceFactory + enableCitusKeys starts', async () => {
    const options = await database();
    const app = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => options,
          dataSourceFactory: async (given) => enableCitusKeys(new DataSource(given!)).initialize(),
        }),
        TenancyModule.forRootAsync({ useFactory: () => ({ citus: true }) }),
      ],
    }).compile();
    cleanup.push(() => app.close());
    await app.init();
    expect(primaryKey(app.get<DataSource>(getDataSourceToken()))).toEqual(['id', 'tenant_id']);
  });
  it('enableCitusKeys after initialize is refused', async () => {
    const ds = await new DataSource(await database()).initialize();
    cleanup.push(() => ds.destroy());
    expect(() => enableCitusKeys(ds)).toThrow(/"citus" was enabled after the DataSource was initialized/);
  });
});
