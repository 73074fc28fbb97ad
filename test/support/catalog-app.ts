import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getDataSourceToken, getRepositoryToken, TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { TenancyModule, TenantContext, type TenancyModuleOptions } from 'nestjs-tenancy';
import { CATALOG_ENTITIES, Product } from './catalog.entities.js';
import type { TestDialect } from './dialects.js';

/** A Nest app on a fresh database of the dialect: the catalog entities, one TenancyModule.forRoot, no global guard. */
export async function bootCatalogApp(dialect: TestDialect, tenancy: TenancyModuleOptions) {
  const { options, dispose } = await dialect.connection();
  @Module({ imports: [TypeOrmModule.forFeature([Product])] })
  class Features {}
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({ ...options, entities: CATALOG_ENTITIES, synchronize: true }),
      TenancyModule.forRoot({ globalGuard: false, ...tenancy }),
      Features,
    ],
  }).compile();
  const app = await moduleRef.createNestApplication({ logger: false }).init();
  return {
    dataSource: app.get<DataSource>(getDataSourceToken(), { strict: false }),
    repo: app.get<Repository<Product>>(getRepositoryToken(Product), { strict: false }),
    context: app.get(TenantContext),
    close: async () => {
      await app.close();
      await dispose();
    },
  };
}
