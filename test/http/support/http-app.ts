import type { AddressInfo } from 'node:net';
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { TenancyModule, type TenancyModuleExtras, type TenancyModuleOptions } from 'nestjs-tenancy';
import { CATALOG_ENTITIES } from '../../support/catalog.entities.js';
import { DIALECTS, type StatementCounter, type TestDialect } from '../../support/dialects.js';
import { dropTestDatabase } from '../../support/postgres.js';

export type AdapterName = 'express' | 'fastify';
export const ADAPTERS: AdapterName[] = ['express', 'fastify'];

export interface Target {
  adapter: AdapterName;
  dialect: TestDialect;
  /** `express/sqlite`... for test titles. */
  name: string;
}

/** Every HTTP suite runs on both adapters and both dialects. */
export const TARGETS: Target[] = ADAPTERS.flatMap((adapter) =>
  DIALECTS.map((dialect) => ({ adapter, dialect, name: `${adapter}/${dialect.name}` })),
);

export interface HttpTestApp {
  app: INestApplication;
  /** Base URL of the listening app (127.0.0.1, ephemeral port), for supertest. */
  server: string;
  dataSource: DataSource;
  statements: StatementCounter;
  close(): Promise<void>;
}

export interface HttpAppSetup extends Pick<ModuleMetadata, 'controllers' | 'providers' | 'imports'> {
  tenancy?: TenancyModuleOptions;
  /** Static extras of TenancyModule.forRoot, e.g. `{ registerClsModule: false }`. */
  tenancyModule?: TenancyModuleExtras;
  /** Runs before the app listens (e.g. `useWebSocketAdapter`). */
  configure?: (app: INestApplication) => void;
}

/** A real Nest app on a fresh database: TypeOrmModule, TenancyModule, the given controllers. */
export async function createHttpApp(target: Target, setup: HttpAppSetup): Promise<HttpTestApp> {
  const db = await target.dialect.open(CATALOG_ENTITIES);
  try {
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => db.dataSource.options,
          // The dialect helper already opened (and synchronized) it.
          dataSourceFactory: async () => db.dataSource,
        }),
        TypeOrmModule.forFeature(CATALOG_ENTITIES),
        TenancyModule.forRoot({ ...setup.tenancy, ...setup.tenancyModule }),
        ...(setup.imports ?? []),
      ],
      controllers: setup.controllers ?? [],
      providers: setup.providers ?? [],
    }).compile();
    const app =
      target.adapter === 'fastify'
        ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
            logger: process.env.TEST_NEST_LOG ? ['error', 'warn'] : false,
          })
        : moduleRef.createNestApplication(new ExpressAdapter(), { logger: process.env.TEST_NEST_LOG ? ['error', 'warn'] : false });
    setup.configure?.(app);
    // A real listening socket: supertest would otherwise open one per request.
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    db.statements.reset();
    return {
      app,
      server: `http://127.0.0.1:${port}`,
      dataSource: db.dataSource,
      statements: db.statements,
      async close() {
        await app.close();
        if (db.database) await dropTestDatabase(db.database);
      },
    };
  } catch (error) {
    if (db.dataSource.isInitialized) await db.dataSource.destroy();
    if (db.database) await dropTestDatabase(db.database);
    throw error;
  }
}
