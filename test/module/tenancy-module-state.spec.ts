import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { getDataSourceToken, getRepositoryToken, TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource, DataSourceOptions, Repository } from 'typeorm';
import { afterEach, describe, expect, it } from 'vitest';
import {
  bypassTenantFilter,
  runWithTenant,
  TenancyModule,
  TenantContext,
  type TenantAuditEvent,
  type TenantAuditSink,
  type TenancyModuleOptions,
} from 'nestjs-tenancy';
import { CATALOG_ENTITIES, Product } from '../support/catalog.entities.js';
import { DIALECTS } from '../support/dialects.js';
import { bootCatalogApp } from '../support/catalog-app.js';

/**
 * A TenancyModule's settings live in its own DI container and on the
 * DataSource it binds, never in a process global: two modules side by side
 * keep their own, and an app that closed leaves nothing to the next one.
 */

const disposers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (disposers.length) await disposers.pop()?.();
});

class RecordingSink implements TenantAuditSink {
  readonly events: TenantAuditEvent[] = [];
  record(event: TenantAuditEvent): void {
    this.events.push(event);
  }
}

const seed = (dataSource: DataSource, rows: Array<[string, string]>) =>
  Promise.all(
    rows.map(([name, tenant]) =>
      dataSource.query(`INSERT INTO products (name, sku, tenant_id) VALUES ('${name}', '${name}', '${tenant}')`),
    ),
  );

/** The TenantContext of each TenancyModule instance, in import order (both export the same class token). */
function tenantContexts(app: INestApplication): TenantContext[] {
  return [...app.get(ModulesContainer).values()]
    .filter((moduleRef) => moduleRef.metatype === TenancyModule)
    .map((moduleRef) => moduleRef.providers.get(TenantContext)?.instance as TenantContext);
}

describe.each(DIALECTS)('two TenancyModules for two DataSources in one app ($name)', (dialect) => {
  const auditA = new RecordingSink();
  const auditB = new RecordingSink();

  async function twoModuleApp() {
    const [first, second] = await Promise.all([dialect.connection(), dialect.connection()]);
    const typeorm = (options: DataSourceOptions, name?: string) =>
      TypeOrmModule.forRoot({ ...options, name, entities: CATALOG_ENTITIES, synchronize: true });
    @Module({ imports: [TypeOrmModule.forFeature([Product]), TypeOrmModule.forFeature([Product], 'second')] })
    class Features {}
    const imports: DynamicModule[] = [
      typeorm(first.options),
      typeorm(second.options, 'second'),
      // Letters only, throws without a tenant, its own audit sink.
      TenancyModule.forRoot({ tenantIdPattern: /^[a-z]+$/, audit: auditA, globalGuard: false }),
      // Three digits only, unfiltered without a tenant, another sink; options resolved asynchronously.
      TenancyModule.forRootAsync({
        useFactory: async (): Promise<TenancyModuleOptions> => ({
          dataSource: 'second',
          tenantIdPattern: /^[0-9]{3}$/,
          onMissingTenant: 'unfiltered',
          audit: auditB,
          globalGuard: false,
        }),
        registerClsModule: false,
      }),
    ];
    const moduleRef = await Test.createTestingModule({ imports: [...imports, Features] }).compile();
    const app = await moduleRef.createNestApplication({ logger: false }).init();
    disposers.push(async () => {
      await app.close();
      await Promise.all([first.dispose(), second.dispose()]);
    });
    const a = app.get<DataSource>(getDataSourceToken(), { strict: false });
    const b = app.get<DataSource>(getDataSourceToken('second'), { strict: false });
    await seed(a, [
      ['A-acme', 'acme'],
      ['A-beta', 'beta'],
    ]);
    await seed(b, [
      ['B-101', '101'],
      ['B-202', '202'],
    ]);
    const [contextA, contextB] = tenantContexts(app);
    return {
      repoA: app.get<Repository<Product>>(getRepositoryToken(Product), { strict: false }),
      repoB: app.get<Repository<Product>>(getRepositoryToken(Product, 'second'), { strict: false }),
      contextA,
      contextB,
    };
  }

  const names = (rows: Product[]) => rows.map((row) => row.name).sort();

  it('each DataSource keeps its own onMissingTenant', async () => {
    const { repoA, repoB } = await twoModuleApp();
    await expect(repoA.find()).rejects.toMatchObject({ code: 'TENANT_REQUIRED' });
    expect(names(await repoB.find())).toEqual(['B-101', 'B-202']);
  });

  it("each module's TenantContext applies its own tenantIdPattern", async () => {
    const { repoA, repoB, contextA, contextB } = await twoModuleApp();
    expect(names(await contextA.run('acme', () => repoA.find()))).toEqual(['A-acme']);
    expect(names(await contextB.run('101', () => repoB.find()))).toEqual(['B-101']);
    expect(() => contextA.run('101', () => undefined)).toThrow(expect.objectContaining({ code: 'TENANT_INVALID' }));
    expect(() => contextB.run('acme', () => undefined)).toThrow(expect.objectContaining({ code: 'TENANT_INVALID' }));
  });

  it('each DataSource refuses a tenant id outside its own pattern, whichever context set it (the id never reaches SQL)', async () => {
    const { repoA, repoB, contextA, contextB } = await twoModuleApp();
    // The free function validates with the defaults; each DataSource re-checks with its module's pattern.
    await expect(runWithTenant('101', () => repoA.find())).rejects.toMatchObject({ code: 'TENANT_INVALID' });
    await expect(runWithTenant('acme', () => repoB.find())).rejects.toMatchObject({ code: 'TENANT_INVALID' });
    // A context of module A used on module B's DataSource, and the reverse.
    await expect(contextA.run('acme', () => repoB.find())).rejects.toMatchObject({ code: 'TENANT_INVALID' });
    await expect(contextB.run('101', () => repoA.find())).rejects.toMatchObject({ code: 'TENANT_INVALID' });
    expect(names(await runWithTenant('beta', () => repoA.find()))).toEqual(['A-beta']);
    expect(names(await runWithTenant('202', () => repoB.find()))).toEqual(['B-202']);
  });

  it("a bypass is accepted only by the DataSources whose module's audit sink recorded it", async () => {
    const { repoA, repoB, contextA, contextB } = await twoModuleApp();
    auditA.events.length = 0;
    auditB.events.length = 0;
    expect(names(await contextA.bypass(() => repoA.find(), { reason: 'report A' }))).toEqual(['A-acme', 'A-beta']);
    expect(names(await contextB.bypass(() => repoB.find(), { reason: 'report B' }))).toEqual(['B-101', 'B-202']);
    expect(auditA.events.map((event) => event.reason)).toEqual(['report A']);
    expect(auditB.events.map((event) => event.reason)).toEqual(['report B']);
    // Recorded by the other module's sink, or by the free function's default sink: refused before any SQL.
    await expect(contextA.bypass(() => repoB.find())).rejects.toMatchObject({ code: 'TENANT_BYPASS_FORBIDDEN' });
    await expect(contextB.bypass(() => repoA.find())).rejects.toMatchObject({ code: 'TENANT_BYPASS_FORBIDDEN' });
    await expect(bypassTenantFilter(() => repoA.find())).rejects.toMatchObject({ code: 'TENANT_BYPASS_FORBIDDEN' });
    await expect(bypassTenantFilter(() => repoB.find())).rejects.toMatchObject({ code: 'TENANT_BYPASS_FORBIDDEN' });
  });
});

describe.each(DIALECTS)('closing a Nest app leaves nothing behind ($name)', (dialect) => {
  const app = (tenancy: TenancyModuleOptions) => bootCatalogApp(dialect, tenancy);

  it('app B, opened after app A closed, sees only its own tenantIdPattern and audit sink', async () => {
    const auditA = new RecordingSink();
    const a = await app({ tenantIdPattern: /^[0-9]{3}$/, audit: auditA });
    expect(() => a.context.run('acme', () => undefined)).toThrow(expect.objectContaining({ code: 'TENANT_INVALID' }));
    await a.context.bypass(() => a.repo.count(), { reason: 'in A' });
    await a.close();

    const auditB = new RecordingSink();
    const b = await app({ audit: auditB });
    disposers.push(b.close);
    // A's pattern is gone: B and the free functions take the default one again.
    expect(b.context.run('acme', () => b.context.getTenantId())).toBe('acme');
    expect(runWithTenant('acme', () => 'ran')).toBe('ran');
    await b.context.run('acme', () => b.repo.save({ name: 'B', sku: 'B' }));
    expect(await runWithTenant('acme', () => b.repo.count())).toBe(1);
    // B's bypasses go to B's sink only.
    await b.context.bypass(() => b.repo.count(), { reason: 'in B' });
    expect(auditA.events.map((event) => event.reason)).toEqual(['in A']);
    expect(auditB.events.map((event) => event.reason)).toEqual(['in B']);
  });

  it('a free function after every app closed runs with the fail-closed defaults, not the last settings', async () => {
    const a = await app({ tenantIdPattern: /^.{1,200}$/ });
    expect(a.context.run('a b c', () => a.context.getTenantId())).toBe('a b c');
    await a.close();
    expect(() => runWithTenant('a b c', () => undefined)).toThrow(expect.objectContaining({ code: 'TENANT_INVALID' }));
  });
});
