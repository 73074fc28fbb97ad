import { createServer, type AddressInfo } from 'node:net';
import type { INestApplicationContext, Type } from '@nestjs/common';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TenancyModule, type TenancyModuleOptions } from 'nestjs-tenancy';
import { CATALOG_ENTITIES } from '../../support/catalog.entities.js';
import type { TestDataSource } from '../../support/dialects.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface MessageApp {
  app: INestApplicationContext;
  /** A TCP client connected to the app's listener. */
  client: ClientProxy;
  close(): Promise<void>;
}

/**
 * `controllers` behind a TCP listener, with the catalogue on `db` and TenancyModule.forRoot(`tenancy`).
 * `hybrid`: an HTTP app with the listener added by `connectMicroservice()` (Nest then gives the listener's
 * handlers the app's global enhancers only with `inheritAppConfig: true`); else a standalone microservice.
 */
export async function startMessageApp(
  db: TestDataSource,
  controllers: Type[],
  tenancy: TenancyModuleOptions,
  hybrid?: { inheritAppConfig: boolean },
): Promise<MessageApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRootAsync({ useFactory: () => db.dataSource.options, dataSourceFactory: async () => db.dataSource }),
      TypeOrmModule.forFeature(CATALOG_ENTITIES),
      TenancyModule.forRoot(tenancy),
    ],
    controllers,
  }).compile();
  const port = await freePort();
  const options = { transport: Transport.TCP, options: { host: '127.0.0.1', port } } as const;
  let app: INestApplicationContext;
  if (hybrid) {
    const http = moduleRef.createNestApplication({ logger: false });
    http.connectMicroservice(options, hybrid);
    await http.startAllMicroservices();
    app = await http.init();
  } else {
    const microservice = moduleRef.createNestMicroservice(options);
    microservice.useLogger(false);
    await microservice.listen();
    app = microservice;
  }
  const client = ClientProxyFactory.create(options);
  await client.connect();
  return {
    app,
    client,
    close: async () => {
      await client.close();
      await app.close();
    },
  };
}
