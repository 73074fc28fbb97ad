import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectRepository } from '@nestjs/typeorm';
import { firstValueFrom } from 'rxjs';
import type { Repository } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CurrentTenant,
  getCurrentTenant,
  HeaderTenantResolver,
  JwtTenantResolver,
  PayloadTenantResolver,
  TenantAccessService,
  TenantOptional,
} from 'nestjs-tenancy';
import { CATALOG_ENTITIES, Product } from '../support/catalog.entities.js';
import { DIALECTS, type TestDataSource } from '../support/dialects.js';
import { dropTestDatabase } from '../support/postgres.js';
import { startMessageApp, type MessageApp } from './support/message-app.js';
import { seedProducts } from './support/seed.js';
import { AUDIENCE, HS_SECRET, ISSUER, signToken } from './support/tokens.js';

@Controller()
class ProductMessages {
  constructor(@InjectRepository(Product) private readonly products: Repository<Product>) {}

  @MessagePattern('products.list')
  async list(@Payload() _payload: unknown, @CurrentTenant() tenant: string) {
    const rows = await this.products.find({ order: { id: 'ASC' } });
    return { tenant, contextTenant: getCurrentTenant(), products: rows.map((p) => ({ name: p.name, tenantId: p.tenantId })) };
  }

  @MessagePattern('products.create')
  async create(@Payload() payload: { product: Partial<Product> }) {
    const saved = await this.products.save(this.products.create(payload.product));
    return { name: saved.name, tenantId: saved.tenantId };
  }

  @MessagePattern('ping')
  @TenantOptional()
  ping() {
    return { tenant: getCurrentTenant() ?? null };
  }
}

describe.each(DIALECTS)('TenantInterceptor on a TCP microservice on $name', (dialect) => {
  let db: TestDataSource;
  let t: MessageApp;

  beforeAll(async () => {
    db = await dialect.open(CATALOG_ENTITIES);
    await seedProducts(db.dataSource, { a: ['A1'], b: ['B1'] });
    t = await startMessageApp(db, [ProductMessages], {
      resolvers: [
        new PayloadTenantResolver(),
        new HeaderTenantResolver(),
        new JwtTenantResolver({ secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE }),
      ],
    });
  });
  afterAll(async () => {
    await t?.close();
    if (db?.database) await dropTestDatabase(db.database);
  });

  const send = <T = Record<string, unknown>>(pattern: string, data: unknown) => firstValueFrom(t.client.send<T>(pattern, data));

  it('the tenant from the message payload scopes the handler', async () => {
    expect(await send('products.list', { tenantId: 'b' })).toEqual({
      tenant: 'b',
      contextTenant: 'b',
      products: [{ name: 'B1', tenantId: 'b' }],
    });
  });

  it('the tenant from message headers (payload.headers) scopes the handler', async () => {
    const res = await send('products.list', { headers: { 'x-tenant-id': 'a' } });
    expect(res.products).toEqual([{ name: 'A1', tenantId: 'a' }]);
  });

  it('a verified JWT in the message headers scopes the handler', async () => {
    const token = await signToken({ sub: 'svc', tenant_id: 'a' });
    expect((await send('products.list', { headers: { authorization: `Bearer ${token}` } })).tenant).toBe('a');
  });

  it('no tenant: the handler does not run, the error body is { statusCode: 400, code: TENANT_REQUIRED }', async () => {
    await expect(send('products.list', {})).rejects.toMatchObject({ statusCode: 400, code: 'TENANT_REQUIRED' });
  });

  it("a payload tenant outside the token's grant is refused (403)", async () => {
    const token = await signToken({ sub: 'svc', tenant_id: 'a' });
    await expect(send('products.list', { tenantId: 'b', headers: { authorization: `Bearer ${token}` } })).rejects.toMatchObject({
      statusCode: 403,
      code: 'TENANT_FORBIDDEN',
    });
  });

  it('a forged token is refused (401)', async () => {
    await expect(send('products.list', { headers: { authorization: 'Bearer x.y.z' } })).rejects.toMatchObject({
      statusCode: 401,
      code: 'TENANT_TOKEN_INVALID',
    });
  });

  it('a write naming another tenant inside the message is 403 TENANT_MISMATCH', async () => {
    await expect(send('products.create', { tenantId: 'a', product: { name: 'X', sku: 'x', tenantId: 'b' } })).rejects.toMatchObject({
      statusCode: 403,
      code: 'TENANT_MISMATCH',
    });
    expect(await send('products.create', { tenantId: 'a', product: { name: 'A9', sku: 'a9' } })).toEqual({ name: 'A9', tenantId: 'a' });
  });

  it('@TenantOptional message handlers run without a tenant', async () => {
    expect(await send('ping', {})).toEqual({ tenant: null });
  });

  // Global here, and also on the handler (put there for hybrid apps, which get no global enhancers).
  it('the tenant of a message is decided once, with the interceptor both global and on the handler', async () => {
    const decide = vi.spyOn(t.app.get(TenantAccessService), 'decide');
    try {
      expect((await send('products.list', { tenantId: 'a' })).tenant).toBe('a');
      expect(decide).toHaveBeenCalledTimes(1);
    } finally {
      decide.mockRestore();
    }
  });

  it('concurrent messages for different tenants never mix', async () => {
    const tenants = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? 'a' : 'b'));
    const results = await Promise.all(
      tenants.map((tenantId) => send<{ tenant: string; products: { tenantId: string }[] }>('products.list', { tenantId })),
    );
    results.forEach((res, i) => {
      expect(res.tenant).toBe(tenants[i]);
      expect(res.products.every((p) => p.tenantId === tenants[i])).toBe(true);
    });
  });
});

/**
 * A hybrid app (HTTP plus `connectMicroservice`, without `inheritAppConfig`): Nest gives its message
 * handlers none of the app's global enhancers (APP_INTERCEPTOR included), on every Nest line. Before the
 * module put its interceptor on message handlers, they ran with no tenant, and under
 * onMissingTenant: 'unfiltered' a message read every tenant's rows.
 */
const HYBRIDS = DIALECTS.flatMap((dialect) => [false, true].map((inheritAppConfig) => ({ dialect, inheritAppConfig })));

describe.each(HYBRIDS)(
  "a hybrid app's message handlers (connectMicroservice, inheritAppConfig: $inheritAppConfig) on $dialect.name",
  ({ dialect, inheritAppConfig }) => {
    let db: TestDataSource;
    let t: MessageApp;

    beforeAll(async () => {
      db = await dialect.open(CATALOG_ENTITIES);
      await seedProducts(db.dataSource, { a: ['A1'], b: ['B1'] });
      const resolvers = [new PayloadTenantResolver(), new HeaderTenantResolver()];
      t = await startMessageApp(db, [ProductMessages], { resolvers, onMissingTenant: 'unfiltered' }, { inheritAppConfig });
    });
    afterAll(async () => {
      await t?.close();
      if (db?.database) await dropTestDatabase(db.database);
    });

    const send = (pattern: string, data: unknown) => firstValueFrom(t.client.send<Record<string, unknown>>(pattern, data));

    it("the tenant in the message's headers scopes the handler", async () => {
      const res = await send('products.list', { headers: { 'x-tenant-id': 'a' } });
      expect([res.tenant, res.contextTenant, res.products]).toEqual(['a', 'a', [{ name: 'A1', tenantId: 'a' }]]);
    });

    it("a message with no tenant is refused before the handler, never served every tenant's rows", async () => {
      // With or without inheritAppConfig (and so the app's exception filter): the tenancy error body.
      await expect(send('products.list', {})).rejects.toEqual(expect.objectContaining({ statusCode: 400, code: 'TENANT_REQUIRED' }));
    });

    it('@TenantOptional message handlers still run without a tenant', async () => {
      expect(await send('ping', {})).toEqual({ tenant: null });
    });
  },
);
