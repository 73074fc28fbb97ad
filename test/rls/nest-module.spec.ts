import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bypassTenantRls, runWithTenant, TenancyModule, type TenantAuditEvent } from 'nestjs-tenancy';
import type { DataSource } from 'typeorm';
import { CATALOG_ENTITIES } from '../support/catalog.entities.js';
import { createRlsDatabase, type RlsDatabase } from './support/rls-database.js';
import { seedCatalog, tenantsSeen } from './support/rls-fixture.js';

/** TenancyModule.forRoot({ rls: true }): the owner app creates the policies, the app-role app is confined. */
describe('RLS: TenancyModule.forRoot({ rls: true })', () => {
  let db: RlsDatabase;
  const apps: INestApplication[] = [];
  beforeAll(async () => {
    db = await createRlsDatabase();
  });
  afterEach(async () => {
    while (apps.length) await apps.pop()?.close();
  });
  afterAll(async () => db?.drop());

  async function boot(imports: DynamicModule[]): Promise<DataSource> {
    @Module({ imports })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    apps.push(app);
    await app.init();
    return app.get<DataSource>(getDataSourceToken());
  }

  const typeorm = (url: string, synchronize: boolean) =>
    TypeOrmModule.forRoot({ type: 'postgres', url, entities: CATALOG_ENTITIES, synchronize, poolSize: 2 });

  it('the owner’s synchronize creates the policies; the app role’s raw SQL sees only its tenant', async () => {
    const owner = await boot([TenancyModule.forRoot({ rls: true }), typeorm(db.owner.url, true)]);
    const [{ n }] = await owner.query(`SELECT count(*)::int AS n FROM pg_policies WHERE tablename = 'products'`);
    expect(n).toBe(4);

    const app = await boot([typeorm(db.app.url, false), TenancyModule.forRoot({ rls: true })]);
    await seedCatalog(app);
    expect(await runWithTenant('a', () => tenantsSeen(app))).toEqual(['a']);
    expect(await tenantsSeen(app)).toEqual([]);
  });

  it("a migration's bypassTenantRls on the module's DataSource is recorded by the module's audit sink", async () => {
    const recorded: TenantAuditEvent[] = [];
    const owner = await boot([
      TenancyModule.forRoot({ rls: true, audit: { record: (event) => void recorded.push(event) } }),
      typeorm(db.owner.url, true),
    ]);
    const runner = owner.createQueryRunner();
    try {
      await runner.startTransaction();
      // A migration runs outside any request or TenantContext: the free function, the default settings.
      await bypassTenantRls(runner, { reason: 'backfill 7' });
      await runner.rollbackTransaction();
    } finally {
      await runner.release();
    }
    expect(recorded.map((event) => event.reason)).toEqual(['backfill 7']);
  });

  it('rls: true on SQLite fails start-up, naming the option', async () => {
    const sqlite = TypeOrmModule.forRoot({ type: 'better-sqlite3', database: ':memory:', entities: CATALOG_ENTITIES });
    await expect(boot([TenancyModule.forRoot({ rls: true }), sqlite])).rejects.toThrow(/"rls"/);
  });
});
