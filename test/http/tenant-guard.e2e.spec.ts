import { Controller, Get, Injectable, UseGuards, UseInterceptors, type ExecutionContext } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCurrentTenant, TenantGuard, TenantInterceptor, type TenantDecision, type TenantRequest } from 'nestjs-tenancy';
import { CATALOG_CONTROLLERS, ProductsController } from './support/catalog.controllers.js';
import { createHttpApp, TARGETS, type HttpTestApp } from './support/http-app.js';
import { seedProducts } from './support/seed.js';

@Controller('guarded')
@UseGuards(TenantGuard)
class GuardedController {
  @Get()
  get() {
    return { tenant: getCurrentTenant() };
  }
}

@Controller('intercepted')
@UseInterceptors(TenantInterceptor)
class InterceptedController {
  @Get()
  get() {
    return { tenant: getCurrentTenant() };
  }
}

/** A subclass overriding hooks: public routes skipped, tenant echoed in a response header, `?tenant=` read too. */
@Injectable()
class AppTenantGuard extends TenantGuard {
  protected override shouldSkip(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ url: string }>();
    return super.shouldSkip(context) || req.url.startsWith('/public');
  }

  protected override getTenantRequest(context: ExecutionContext): TenantRequest {
    const base = super.getTenantRequest(context);
    const query = new URL(context.switchToHttp().getRequest<{ url: string }>().url, 'http://x').searchParams.get('tenant');
    return { ...base, header: (name) => (name === 'x-tenant-id' && query ? query : base.header(name)) };
  }

  protected override onAdmitted(decision: TenantDecision, context: ExecutionContext): void {
    const res = context
      .switchToHttp()
      .getResponse<{ header?: (n: string, v: string) => void; setHeader?: (n: string, v: string) => void }>();
    const set = res.header?.bind(res) ?? res.setHeader?.bind(res);
    set?.('x-served-tenant', decision.tenantId ?? '-');
  }
}

@Controller('public')
class PublicController {
  @Get()
  get() {
    return { tenant: getCurrentTenant() ?? null };
  }
}

describe.each(TARGETS)('globalGuard: false on $name', (target) => {
  let t: HttpTestApp;

  beforeAll(async () => {
    t = await createHttpApp(target, {
      controllers: [...CATALOG_CONTROLLERS, GuardedController, InterceptedController],
      tenancy: { globalGuard: false },
    });
    await seedProducts(t.dataSource, { a: ['A1'] });
  });
  afterAll(() => t?.close());

  it('unguarded routes get no tenant from the header, and tenant data still fails closed (400)', async () => {
    const res = await request(t.server).get('/products').set('x-tenant-id', 'a').expect(400);
    expect(res.body.code).toBe('TENANT_REQUIRED');
  });

  it('@UseGuards(TenantGuard) scopes a controller', async () => {
    expect((await request(t.server).get('/guarded').set('x-tenant-id', 'a').expect(200)).body).toEqual({ tenant: 'a' });
    await request(t.server).get('/guarded').expect(400);
  });

  it('@UseInterceptors(TenantInterceptor) scopes a controller without the guard', async () => {
    expect((await request(t.server).get('/intercepted').set('x-tenant-id', 'a').expect(200)).body).toEqual({ tenant: 'a' });
    expect((await request(t.server).get('/intercepted').expect(400)).body.code).toBe('TENANT_REQUIRED');
  });
});

describe.each(TARGETS)('a TenantGuard subclass registered as APP_GUARD on $name', (target) => {
  let t: HttpTestApp;

  beforeAll(async () => {
    t = await createHttpApp(target, {
      controllers: [ProductsController, PublicController],
      providers: [{ provide: APP_GUARD, useClass: AppTenantGuard }],
      tenancy: { globalGuard: false },
    });
    await seedProducts(t.dataSource, { a: ['A1'], b: ['B1'] });
  });
  afterAll(() => t?.close());

  it('its hooks run: a tenant from ?tenant=, and the decision in a response header', async () => {
    const res = await request(t.server).get('/products?tenant=b').expect(200);
    expect(res.body.products).toEqual([{ name: 'B1', tenantId: 'b' }]);
    expect(res.headers['x-served-tenant']).toBe('b');
  });

  it('routes it skips run without a tenant', async () => {
    expect((await request(t.server).get('/public').expect(200)).body).toEqual({ tenant: null });
  });

  it('everything else is still refused without a tenant', async () => {
    await request(t.server).get('/products').expect(400);
  });
});
