import { InjectRepository } from '@nestjs/typeorm';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Repository } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CurrentTenant,
  getCurrentTenant,
  HeaderTenantResolver,
  JwtTenantResolver,
  runWithTenant,
  TenantAccessService,
  TenantOptional,
  type TenancyModuleOptions,
} from 'nestjs-tenancy';
import { Product } from '../support/catalog.entities.js';
import { clearWholeTable } from './support/catalog.controllers.js';
import { createHttpApp, TARGETS, type HttpTestApp } from './support/http-app.js';
import { MemoryWsAdapter, MemoryWsClient } from './support/memory-ws.adapter.js';
import { seedProducts } from './support/seed.js';
import { AUDIENCE, HS_SECRET, ISSUER, signToken } from './support/tokens.js';

@WebSocketGateway()
class CatalogGateway {
  constructor(@InjectRepository(Product) private readonly products: Repository<Product>) {}

  @SubscribeMessage('products')
  async list(@MessageBody() _body: unknown, @CurrentTenant() tenant: string) {
    const rows = await this.products.find({ order: { id: 'ASC' } });
    return { tenant, contextTenant: getCurrentTenant(), products: rows.map((p) => ({ name: p.name, tenantId: p.tenantId })) };
  }

  /** A developer's mistake: raw SQL over every tenant's rows, inside a tenant. */
  @SubscribeMessage('clear')
  clear() {
    return clearWholeTable(this.products);
  }

  @SubscribeMessage('ping')
  @TenantOptional()
  ping() {
    return { tenant: getCurrentTenant() ?? null };
  }
}

/**
 * An app with CatalogGateway on the in-memory adapter, tenants a and b seeded, for the describe block
 * that calls it: `app()` is the running app, `connect` opens a client with that handshake.
 */
function gatewayApp(target: (typeof TARGETS)[number], tenancy: TenancyModuleOptions) {
  let t: HttpTestApp;
  const adapter = new MemoryWsAdapter();
  beforeAll(async () => {
    t = await createHttpApp(target, { providers: [CatalogGateway], tenancy, configure: (app) => app.useWebSocketAdapter(adapter) });
    await seedProducts(t.dataSource, { a: ['A1'], b: ['B1'] });
  });
  afterAll(() => t?.close());
  return { app: () => t, connect: (handshake: MemoryWsClient['handshake']) => adapter.servers[0].connect(new MemoryWsClient(handshake)) };
}

describe.each(TARGETS)('TenantInterceptor on a WebSocket gateway (tenant from the handshake) on $name', (target) => {
  const { app, connect } = gatewayApp(target, {
    resolvers: [new HeaderTenantResolver(), new JwtTenantResolver({ secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE })],
  });

  it("the handshake's x-tenant-id header scopes every message", async () => {
    const client = connect({ headers: { 'x-tenant-id': 'b' } });
    expect(await client.send('products')).toEqual({ tenant: 'b', contextTenant: 'b', products: [{ name: 'B1', tenantId: 'b' }] });
  });

  it('a socket.io-style auth token in the handshake scopes the socket', async () => {
    const client = connect({ headers: {}, auth: { token: await signToken({ sub: 'u', tenant_id: 'a' }) } });
    expect(await client.send('products')).toMatchObject({ tenant: 'a', products: [{ name: 'A1', tenantId: 'a' }] });
  });

  it("message data cannot choose the tenant: the handshake's still applies", async () => {
    const client = connect({ headers: { 'x-tenant-id': 'a' } });
    expect(await client.send('products', { tenantId: 'b' })).toMatchObject({ tenant: 'a' });
  });

  it('no tenant: the handler does not run and the client gets an exception event', async () => {
    const client = connect({ headers: {} });
    expect(await client.send('products')).toBeUndefined();
    expect(client.emitted).toEqual([{ event: 'exception', data: expect.objectContaining({ statusCode: 400, code: 'TENANT_REQUIRED' }) }]);
  });

  it("a handshake header outside the token's grant is refused (403)", async () => {
    const client = connect({ headers: { 'x-tenant-id': 'b' }, auth: { token: await signToken({ sub: 'u', tenant_id: 'a' }) } });
    await client.send('products');
    expect(client.emitted[0]?.data).toMatchObject({ statusCode: 403, code: 'TENANT_FORBIDDEN' });
  });

  it("a developer's mistake in a handler reaches the client as a 500 exception event, and clears nothing", async () => {
    const client = connect({ headers: { 'x-tenant-id': 'a' } });
    expect(await client.send('clear')).toBeUndefined();
    expect(client.emitted).toEqual([
      {
        event: 'exception',
        data: { statusCode: 500, error: 'Internal Server Error', code: 'TENANT_UNSUPPORTED_QUERY', message: expect.any(String) },
      },
    ]);
    expect(await runWithTenant('a', () => app().dataSource.getRepository(Product).count())).toBe(1);
  });

  it('@TenantOptional gateway handlers run without a tenant', async () => {
    expect(await connect({ headers: {} }).send('ping')).toEqual({ tenant: null });
  });

  // Nest 10 and 11 apply no global interceptor to gateways: the module puts it on the gateway class too
  // (the matrix runs this file on both). Nest 12 runs both; the tenant is still decided once per message.
  it('the tenant of a gateway message is decided once, with the interceptor both global and on the class', async () => {
    const decide = vi.spyOn(app().app.get(TenantAccessService), 'decide');
    try {
      const client = connect({ headers: { 'x-tenant-id': 'a' } });
      expect(await client.send('products')).toMatchObject({ tenant: 'a' });
      expect(await client.send('products')).toMatchObject({ tenant: 'a' });
      expect(decide).toHaveBeenCalledTimes(2);
    } finally {
      decide.mockRestore();
    }
  });
});

// The attack on Nest 10 and 11 before the module put its interceptor on gateway classes: with no global
// interceptor there, the handler ran with no tenant, and under onMissingTenant: 'unfiltered' read every tenant.
describe.each(TARGETS)("a gateway under onMissingTenant: 'unfiltered' on $name", (target) => {
  const { connect } = gatewayApp(target, { onMissingTenant: 'unfiltered' });

  it("a message with the handshake's tenant reads that tenant's rows only", async () => {
    expect(await connect({ headers: { 'x-tenant-id': 'a' } }).send('products')).toEqual({
      tenant: 'a',
      contextTenant: 'a',
      products: [{ name: 'A1', tenantId: 'a' }],
    });
  });

  it('a message with no tenant is refused before the handler (TENANT_REQUIRED), never served every row', async () => {
    const client = connect({ headers: {} });
    expect(await client.send('products')).toBeUndefined();
    expect(client.emitted).toEqual([{ event: 'exception', data: expect.objectContaining({ statusCode: 400, code: 'TENANT_REQUIRED' }) }]);
  });
});

describe.each(TARGETS)('a gateway under globalGuard: false on $name', (target) => {
  const { connect } = gatewayApp(target, { globalGuard: false });

  it('gets no tenant interceptor from the module: its reads fail closed (TENANT_REQUIRED), never all rows', async () => {
    const client = connect({ headers: { 'x-tenant-id': 'a' } });
    expect(await client.send('products')).toBeUndefined();
    expect(client.emitted).toHaveLength(1);
    expect(JSON.stringify(client.emitted[0].data)).not.toContain('B1');
  });
});
