import { APP_INTERCEPTOR } from '@nestjs/core';
import { ClsModule } from 'nestjs-cls';
import type { ExecutionContext } from '@nestjs/common';
import { lastValueFrom, of, toArray } from 'rxjs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  HeaderTenantResolver,
  PayloadTenantResolver,
  SubdomainTenantResolver,
  TenantInterceptor,
  type OnMissingTenant,
} from 'nestjs-tenancy';
import { createHttpApp, TARGETS, type HttpTestApp } from '../http/support/http-app.js';
import { MemoryWsAdapter, MemoryWsClient } from '../http/support/memory-ws.adapter.js';
import { startMessageApp, type MessageApp } from '../http/support/message-app.js';
import { seedProducts } from '../http/support/seed.js';
import { CATALOG_ENTITIES } from '../support/catalog.entities.js';
import { DIALECTS, type TestDataSource } from '../support/dialects.js';
import { dropTestDatabase } from '../support/postgres.js';
import { StreamController, StreamGateway, StreamMessages, type Seen } from './support/stream-handlers.js';

/**
 * Transport attacks on microservices, WebSockets and HTTP.
 *
 * Handlers that return Observables (or streams) do their work when Nest
 * subscribes, after the handler returned and outside the store it ran in.
 * Each case is a message, socket event or request of tenant a whose lazy work
 * must still run as tenant a: with the default onMissingTenant it would
 * otherwise fail with TENANT_REQUIRED, and with 'unfiltered' it would read
 * every tenant's rows.
 */
const PROTECTION = 'observable-context';
const SEED = { a: ['A1', 'A2'], b: ['B1', 'B2'] };
const OWN: Seen = { tenant: 'a', names: SEED.a };
const MODES: OnMissingTenant[] = ['throw', 'unfiltered'];
const RESOLVERS = () => [new PayloadTenantResolver(), new HeaderTenantResolver()];

const microserviceTargets = DIALECTS.flatMap((dialect) => MODES.map((mode) => ({ dialect, mode, name: `${dialect.name}, ${mode}` })));

describe.each(microserviceTargets)('Observable message handlers keep the tenant (TCP microservice, $name)', ({ dialect, mode }) => {
  let db: TestDataSource;
  let t: MessageApp;

  beforeAll(async () => {
    db = await dialect.open(CATALOG_ENTITIES);
    await seedProducts(db.dataSource, SEED);
    t = await startMessageApp(db, [StreamMessages], { resolvers: RESOLVERS(), onMissingTenant: mode });
  });
  afterAll(async () => {
    await t?.close();
    if (db?.database) await dropTestDatabase(db.database);
  });

  const all = (pattern: string, data: unknown) => lastValueFrom(t.client.send<Seen>(pattern, data).pipe(toArray()));

  it(`[${PROTECTION}] a message for tenant a whose handler queries after a timer`, async () => {
    expect(await all('lazy.timer', { tenantId: 'a' })).toEqual([OWN]);
  });

  it(`[${PROTECTION}] a message for tenant a (in its headers) whose handler queries after a delayed emission`, async () => {
    expect(await all('lazy.delay', { headers: { 'x-tenant-id': 'a' } })).toEqual([OWN]);
  });

  it(`[${PROTECTION}] a message for tenant a whose handler defers its query to subscription`, async () => {
    expect(await all('lazy.defer', { tenantId: 'a' })).toEqual([OWN]);
  });

  it(`[${PROTECTION}] a message for tenant a answered by several emissions, one query each`, async () => {
    expect(await all('lazy.ticks', { tenantId: 'a' })).toEqual([OWN, OWN, OWN]);
  });

  // HTTP refuses `x-tenant-id` sent twice with 400; message headers are plain objects whose names may differ in case only.
  it.each([
    ['x-tenant-id: a beside X-Tenant-Id: b', { 'x-tenant-id': 'a', 'X-Tenant-Id': 'b' }],
    ['X-TENANT-ID: b before x-tenant-id: a', { 'X-TENANT-ID': 'b', 'x-tenant-id': 'a' }],
    ['three spellings naming a, a and b', { 'x-tenant-id': 'a', 'X-Tenant-ID': 'a', 'x-TENANT-id': 'b' }],
  ])('[message-header-conflict] message headers %s are refused with 400, never one picked', async (_name, headers) => {
    await expect(all('lazy.defer', { headers })).rejects.toMatchObject({ statusCode: 400, code: 'TENANT_INVALID' });
  });

  it('[regression] one header name in any case still names the tenant', async () => {
    expect(await all('lazy.defer', { headers: { 'X-Tenant-Id': 'a' } })).toEqual([OWN]);
  });
});

/**
 * A hybrid app (HTTP plus `connectMicroservice()`, without `inheritAppConfig`): Nest gives its message
 * handlers none of the app's global enhancers, so the module puts its interceptor on each handler. Without
 * it a message of tenant a runs with no tenant: refused with the default onMissingTenant, every tenant's
 * rows with 'unfiltered'.
 */
describe.each(microserviceTargets)("a hybrid app's message handlers keep the tenant (connectMicroservice, $name)", ({ dialect, mode }) => {
  const tag = '[message-handler-interceptor]';
  let db: TestDataSource;
  let t: MessageApp;

  beforeAll(async () => {
    db = await dialect.open(CATALOG_ENTITIES);
    await seedProducts(db.dataSource, SEED);
    t = await startMessageApp(db, [StreamMessages], { resolvers: RESOLVERS(), onMissingTenant: mode }, { inheritAppConfig: false });
  });
  afterAll(async () => {
    await t?.close();
    if (db?.database) await dropTestDatabase(db.database);
  });

  const all = (pattern: string, data: unknown) => lastValueFrom(t.client.send<Seen>(pattern, data).pipe(toArray()));

  it(`${tag} a message naming tenant a in its payload reads tenant a's rows only`, async () => {
    expect(await all('lazy.defer', { tenantId: 'a' })).toEqual([OWN]);
  });

  it(`${tag} a message naming tenant a in its headers, whose handler queries after a timer, reads tenant a's rows only`, async () => {
    expect(await all('lazy.timer', { headers: { 'x-tenant-id': 'a' } })).toEqual([OWN]);
  });

  it(`${tag} a message naming no tenant is refused with TENANT_REQUIRED before the handler, never answered with every tenant's rows`, async () => {
    await expect(all('lazy.defer', {})).rejects.toEqual(expect.objectContaining({ statusCode: 400, code: 'TENANT_REQUIRED' }));
  });
});

const wsTargets = DIALECTS.flatMap((dialect) =>
  MODES.map((mode) => ({
    target: { adapter: 'express' as const, dialect, name: `express/${dialect.name}` },
    mode,
    name: `${dialect.name}, ${mode}`,
  })),
);

describe.each(wsTargets)('Observable gateway handlers keep the tenant (WebSocket, $name)', ({ target, mode }) => {
  let t: HttpTestApp;
  const adapter = new MemoryWsAdapter();

  beforeAll(async () => {
    t = await createHttpApp(target, {
      providers: [StreamGateway],
      tenancy: { onMissingTenant: mode },
      configure: (app) => app.useWebSocketAdapter(adapter),
    });
    await seedProducts(t.dataSource, SEED);
  });
  afterAll(() => t?.close());

  const send = (message: string) => adapter.servers[0].connect(new MemoryWsClient({ headers: { 'x-tenant-id': 'a' } })).send(message);

  it(`[${PROTECTION}] a socket of tenant a whose handler queries after a timer`, async () => {
    expect(await send('lazy.timer')).toEqual({ event: 'seen', data: OWN });
  });

  it(`[${PROTECTION}] a socket of tenant a whose handler queries after a delayed emission`, async () => {
    expect(await send('lazy.delay')).toEqual({ event: 'seen', data: OWN });
  });

  it(`[${PROTECTION}] a socket of tenant a whose handler defers its query to subscription`, async () => {
    expect(await send('lazy.defer')).toEqual({ event: 'seen', data: OWN });
  });
});

/**
 * HTTP requests are scoped either by the global TenantGuard, or (globalGuard:
 * false) by TenantInterceptor alone, with no CLS middleware opening a store
 * first. The guard's cases are kept as a regression check; the
 * interceptor's are the attack.
 */
const PIPELINES = ['guard', 'interceptor'] as const;
const httpTargets = TARGETS.flatMap((target) =>
  MODES.flatMap((mode) => PIPELINES.map((pipeline) => ({ target, mode, pipeline, name: `${target.name}, ${mode}, ${pipeline}` }))),
);

describe.each(httpTargets)('Observable and streamed HTTP responses keep the tenant ($name)', ({ target, mode, pipeline }) => {
  let t: HttpTestApp;
  const tag = pipeline === 'interceptor' ? `[${PROTECTION}]` : '[regression]';

  beforeAll(async () => {
    t = await createHttpApp(target, {
      controllers: [StreamController],
      tenancy: { onMissingTenant: mode, globalGuard: pipeline === 'guard' },
      providers: pipeline === 'interceptor' ? [{ provide: APP_INTERCEPTOR, useExisting: TenantInterceptor }] : [],
      // No CLS middleware: the tenancy pipeline opens each request's store itself.
      imports: [ClsModule.forRoot({ global: true })],
      tenancyModule: { registerClsModule: false },
    });
    await seedProducts(t.dataSource, SEED);
  });
  afterAll(() => t?.close());

  const get = (path: string) => request(t.server).get(path).set('x-tenant-id', 'a');
  const lines = (text: string, prefix = '') =>
    text
      .split('\n')
      .filter((line) => line.startsWith(prefix) && line.length > prefix.length)
      .map((line) => JSON.parse(line.slice(prefix.length)) as Seen);

  it(`${tag} a request of tenant a whose Observable queries after a timer`, async () => {
    const res = await get('/lazy/timer');
    expect([res.status, res.body]).toEqual([200, OWN]);
  });

  it(`${tag} a request of tenant a whose Observable queries after a delayed emission`, async () => {
    const res = await get('/lazy/delay');
    expect([res.status, res.body]).toEqual([200, OWN]);
  });

  it(`${tag} a request of tenant a whose Observable defers its query to subscription`, async () => {
    const res = await get('/lazy/defer');
    expect([res.status, res.body]).toEqual([200, OWN]);
  });

  it(`${tag} server-sent events of tenant a, one query per event`, async () => {
    const res = await get('/lazy/sse')
      .buffer(true)
      .parse((response, done) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => done(null, text));
      });
    expect(lines(res.body as string, 'data: ')).toEqual([OWN, OWN, OWN]);
  });

  it(`${tag} a StreamableFile of tenant a produced while the response is written`, async () => {
    const res = await get('/lazy/file')
      .buffer(true)
      .parse((response, done) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => done(null, text));
      });
    expect(lines(res.body as string)).toEqual([OWN, OWN]);
  });
});

/**
 * A handler of a transport the interceptor does not know (GraphQL's 'graphql' context, or any other):
 * its first argument is no request. A GraphQL field resolver's is its parent object, data that may carry
 * `headers` or a `hostname` (a Website row, say), so reading it as a request would let stored data name
 * the tenant. The interceptor refuses such a handler instead of reading a tenant from it.
 */
describe.each(TARGETS)('a handler of an unknown transport ($name)', (target) => {
  const tag = '[unknown-context-refused]';
  let t: HttpTestApp;

  beforeAll(async () => {
    t = await createHttpApp(target, {
      tenancy: { resolvers: [new HeaderTenantResolver(), new SubdomainTenantResolver({ baseDomain: 'app.example.com' })] },
    });
    await seedProducts(t.dataSource, SEED);
  });
  afterAll(() => t?.close());

  class Resolver {
    products() {}
  }
  const contextOf = (type: string, parent: object) => {
    const args = [parent, {}, {}, {}];
    return {
      getType: () => type,
      getArgs: () => args,
      getArgByIndex: (index: number) => args[index],
      getClass: () => Resolver,
      getHandler: () => Resolver.prototype.products,
    } as unknown as ExecutionContext;
  };

  it.each([
    ['a GraphQL parent whose headers name tenant b', 'graphql', { headers: { 'x-tenant-id': 'b' } }],
    ['a GraphQL parent whose hostname names tenant b', 'graphql', { hostname: 'b.app.example.com', headers: {} }],
    ['a custom transport whose first argument looks like a request of tenant b', 'kafka-streams', { headers: { 'x-tenant-id': 'b' } }],
  ])(`${tag} %s: refused, the handler never runs`, (_name, type, parent) => {
    const handle = vi.fn(() => of(null));
    const interceptor = t.app.get(TenantInterceptor);
    expect(() => interceptor.intercept(contextOf(type, parent), { handle })).toThrow(
      expect.objectContaining({ code: 'TENANCY_CONFIGURATION', message: expect.stringContaining(`"${type}"`) }),
    );
    expect(handle).not.toHaveBeenCalled();
  });
});
