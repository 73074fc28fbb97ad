import { Injectable, Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { getRepositoryToken, InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { ClsModule, ClsService } from 'nestjs-cls';
import type { Repository } from 'typeorm';
import { afterEach, describe, expect, it } from 'vitest';
import { TenancyModule, TenantContext, TENANCY_OPTIONS, type TenancyModuleOptions } from 'nestjs-tenancy';
import { CATALOG_ENTITIES, Product } from '../support/catalog.entities.js';
import { DIALECTS } from '../support/dialects.js';

@Injectable()
class ProductService {
  constructor(
    @InjectRepository(Product) readonly repo: Repository<Product>,
    readonly tenants: TenantContext,
  ) {}
}

const disposers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (disposers.length) await disposers.pop()?.();
});

describe.each(DIALECTS)('TenancyModule wiring ($name)', (dialect) => {
  async function boot(imports: DynamicModule[], extra: { name?: string } = {}) {
    const { options, dispose } = await dialect.connection();
    const typeorm = TypeOrmModule.forRoot({ ...options, ...extra, entities: CATALOG_ENTITIES, synchronize: true });
    return { typeorm, dispose, options };
  }

  async function compile(imports: DynamicModule[], dispose: () => Promise<void>) {
    @Module({ imports: [...imports, TypeOrmModule.forFeature([Product])], providers: [ProductService] })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    disposers.push(async () => {
      await app.close();
      await dispose();
    });
    return app;
  }

  const seedAndCount = async (service: ProductService) => {
    await service.tenants.run('a', () => service.repo.save({ name: 'A', sku: 'A' }));
    await service.tenants.run('b', () => service.repo.save({ name: 'B', sku: 'B' }));
    return service.tenants.run('a', () => service.repo.count());
  };

  for (const order of ['TenancyModule first', 'TypeOrmModule first'] as const) {
    it(`forRoot protects @InjectRepository repositories (${order})`, async () => {
      const { typeorm, dispose } = await boot([]);
      const tenancy = TenancyModule.forRoot();
      const app = await compile(order === 'TenancyModule first' ? [tenancy, typeorm] : [typeorm, tenancy], dispose);
      const service = app.get(ProductService);
      expect(await seedAndCount(service)).toBe(1);
      await expect(service.repo.find()).rejects.toMatchObject({ code: 'TENANT_REQUIRED' });
    });

    it(`forRootAsync with TypeOrmModule.forRootAsync binds the options (${order})`, async () => {
      const { options, dispose } = await dialect.connection();
      const typeorm = TypeOrmModule.forRootAsync({ useFactory: () => ({ ...options, entities: CATALOG_ENTITIES, synchronize: true }) });
      const tenancy = TenancyModule.forRootAsync({
        useFactory: async (): Promise<TenancyModuleOptions> => ({ onMissingTenant: 'unfiltered' }),
      });
      const app = await compile(order === 'TenancyModule first' ? [tenancy, typeorm] : [typeorm, tenancy], dispose);
      const service = app.get(ProductService);
      await seedAndCount(service);
      expect(await service.repo.count()).toBe(2);
    });
  }

  it('binds the options to the named DataSource given by "dataSource"', async () => {
    const { options, dispose } = await dialect.connection();
    const typeorm = TypeOrmModule.forRoot({ ...options, name: 'reporting', entities: CATALOG_ENTITIES, synchronize: true });
    @Module({ imports: [TypeOrmModule.forFeature([Product], 'reporting')] })
    class Feature {}
    const moduleRef = await Test.createTestingModule({
      imports: [typeorm, Feature, TenancyModule.forRoot({ dataSource: 'reporting', onMissingTenant: 'unfiltered' })],
    }).compile();
    const app = await moduleRef.createNestApplication().init();
    disposers.push(async () => {
      await app.close();
      await dispose();
    });
    const repo = app.get<Repository<Product>>(getRepositoryToken(Product, 'reporting'), { strict: false });
    const tenants = app.get(TenantContext);
    await tenants.run('a', () => repo.save({ name: 'A', sku: 'A' }));
    await tenants.run('b', () => repo.save({ name: 'B', sku: 'B' }));
    expect(app.get(TENANCY_OPTIONS)).toMatchObject({ dataSource: 'reporting' });
    expect(await repo.count()).toBe(2);
  });

  it('registers nestjs-cls once by default and joins an app ClsModule when told to', async () => {
    const countClsRoots = (app: INestApplication) =>
      [...app.get(ModulesContainer).values()].filter((m) => m.metatype?.name === 'ClsRootModule').length;
    const first = await boot([]);
    const own = await compile([first.typeorm, TenancyModule.forRoot()], first.dispose);
    expect(countClsRoots(own)).toBe(1);
    const second = await boot([]);
    const joined = await compile(
      [
        ClsModule.forRoot({ global: true, middleware: { mount: true } }),
        second.typeorm,
        TenancyModule.forRoot({ registerClsModule: false }),
      ],
      second.dispose,
    );
    expect(countClsRoots(joined)).toBe(1);
    expect(joined.get(ClsService)).toBeDefined();
    expect(await seedAndCount(joined.get(ProductService))).toBe(1);
  });
});

describe('TenancyModule options are validated at start-up', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['an unknown strategy', { strategy: 'tables' }, /"strategy" must be one of 'row', 'schema'/],
    ['an unknown onMissingTenant', { onMissingTenant: 'ignore' }, /"onMissingTenant" must be one of/],
    ['a misspelt option', { onMissingTenat: 'throw' }, /"onMissingTenat" is not an option/],
    ['an unanchored tenantIdPattern', { tenantIdPattern: /[a-z]+/ }, /"tenantIdPattern" must be anchored/],
    ['a schema prefix that is not an identifier', { schema: { prefix: 'x"; drop' } }, /"schema.prefix"/],
    ['rls with the schema strategy', { strategy: 'schema', rls: true }, /"rls" applies to the row strategy only/],
    ['an unknown DataSource name', { dataSource: 'nope' }, /"dataSource" names "nope"/],
    ['a citus flag that is not a boolean', { citus: 'yes' }, /"citus" must be true or false/],
  ];
  for (const [what, options, message] of cases) {
    it(`refuses ${what} with a message naming the option`, async () => {
      const moduleRef = Test.createTestingModule({ imports: [TenancyModule.forRoot(options as TenancyModuleOptions)] });
      await expect(moduleRef.compile().then((m) => m.createNestApplication().init())).rejects.toThrow(message);
    });
  }

  it('applies a custom tenantIdPattern to the context', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [TenancyModule.forRoot({ tenantIdPattern: /^[0-9]{3}$/ })] }).compile();
    const context = moduleRef.get(TenantContext);
    expect(() => context.run('abc', () => undefined)).toThrow(expect.objectContaining({ code: 'TENANT_INVALID' }));
    expect(context.run('123', () => context.getTenantId())).toBe('123');
    await moduleRef.close();
  });
});
