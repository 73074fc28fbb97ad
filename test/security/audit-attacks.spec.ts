import request from 'supertest';
import type { Repository } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JwtTenantResolver, runWithTenant, type TenantAuditEvent, type TenantAuditSink, type TenantContextSettings } from 'nestjs-tenancy';
import { bypassUnder } from '../support/context-settings.js';
import { createHttpApp, TARGETS, type HttpTestApp } from '../http/support/http-app.js';
import { bearer, signToken, AUDIENCE, HS_SECRET, ISSUER } from '../http/support/tokens.js';
import { CATALOG_ENTITIES, Product } from '../support/catalog.entities.js';
import { DIALECTS, type TestDataSource } from '../support/dialects.js';
import { AttackAdminController } from './support/attack-admin.controller.js';
import { HandlerLog } from './support/handler-log.js';
import { rawProducts, resetProducts } from './support/raw-products.js';

/**
 * An audit store outage must not turn into unaudited reads across tenants:
 * every bypass waits for its record, and a sink that throws or rejects
 * refuses the bypass (TENANT_AUDIT_UNAVAILABLE; 503 over HTTP). The attacker
 * here is anyone who can take the audit store down (flood it, fill its disk)
 * and then use a cross-tenant path.
 */
const SEED = { a: ['A1', 'A2'], b: ['B1', 'B2'] };

type SinkMode = 'ok' | 'throw' | 'reject' | 'reject-later';

/** One sink whose behaviour each case picks: failing synchronously, rejecting at once, or after a while. */
class SwitchableSink implements TenantAuditSink {
  mode: SinkMode = 'ok';
  readonly recorded: TenantAuditEvent[] = [];

  record(event: TenantAuditEvent): void | Promise<void> {
    switch (this.mode) {
      case 'throw':
        throw new Error('audit store down');
      case 'reject':
        return Promise.reject(new Error('audit store down'));
      case 'reject-later':
        return new Promise((_, reject) => setTimeout(() => reject(new Error('audit store timed out')), 20));
      default:
        this.recorded.push(event);
    }
  }
}

describe.each(DIALECTS)('Audit outage attacks on bypassTenantFilter ($name)', (dialect) => {
  let db: TestDataSource;
  let products: Repository<Product>;
  const sink = new SwitchableSink();
  let settings: Partial<TenantContextSettings>;
  const bypassTenantFilter = bypassUnder(() => settings);

  beforeAll(async () => {
    db = await dialect.open(CATALOG_ENTITIES);
    products = db.dataSource.getRepository(Product);
  });
  afterAll(() => db?.close());
  beforeEach(async () => {
    await resetProducts(db.dataSource, SEED);
    sink.mode = 'ok';
    settings = { audit: sink, allowUnauditedBypass: false };
  });

  /** The names a bypassed read returned, and whether the bypassed function ran at all. */
  function bypassedRead() {
    const state = { ran: false };
    const read = () => {
      state.ran = true;
      return products.find({ order: { id: 'ASC' } });
    };
    return { state, read };
  }

  it('[audit-fail-closed] a sink that throws: the bypass throws TENANT_AUDIT_UNAVAILABLE and never runs', async () => {
    sink.mode = 'throw';
    const { state, read } = bypassedRead();
    expect(() => bypassTenantFilter(read)).toThrow(expect.objectContaining({ code: 'TENANT_AUDIT_UNAVAILABLE' }));
    expect(state.ran).toBe(false);
  });

  it('[audit-fail-closed] a sink that rejects: the bypass rejects and never runs', async () => {
    sink.mode = 'reject';
    const { state, read } = bypassedRead();
    await expect(bypassTenantFilter(read)).rejects.toMatchObject({ code: 'TENANT_AUDIT_UNAVAILABLE' });
    expect(state.ran).toBe(false);
  });

  it('[audit-fail-closed] a sink that rejects after a delay: the bypassed read has not started by then', async () => {
    sink.mode = 'reject-later';
    const { state, read } = bypassedRead();
    await expect(bypassTenantFilter(read)).rejects.toMatchObject({ code: 'TENANT_AUDIT_UNAVAILABLE' });
    expect(state.ran).toBe(false);
  });

  it('[audit-fail-closed] a synchronous bypassed function with a rejecting sink does not run either', async () => {
    sink.mode = 'reject';
    let ran = false;
    const result = bypassTenantFilter(() => {
      ran = true;
      return 'deleted everything';
    });
    await expect(result).rejects.toMatchObject({ code: 'TENANT_AUDIT_UNAVAILABLE' });
    expect(ran).toBe(false);
  });

  it("[audit-fail-closed] from inside tenant a, a bypass during the outage never shows b's rows", async () => {
    sink.mode = 'reject';
    const seen = await runWithTenant('a', async () => {
      const all = await bypassTenantFilter(() => products.find()).catch((error: { code: string }) => error.code);
      return { all, own: (await products.find({ order: { id: 'ASC' } })).map((row) => row.name) };
    });
    expect(seen).toEqual({ all: 'TENANT_AUDIT_UNAVAILABLE', own: ['A1', 'A2'] });
  });

  it('[audit-fail-closed] a cross-tenant delete during the outage deletes nothing', async () => {
    sink.mode = 'throw';
    expect(() => bypassTenantFilter(() => products.delete({ tenantId: 'b' }))).toThrow(
      expect.objectContaining({ code: 'TENANT_AUDIT_UNAVAILABLE' }),
    );
    expect((await rawProducts(db.dataSource)).map((row) => row.name)).toEqual(['A1', 'A2', 'B1', 'B2']);
  });

  it('[regression] a slow sink that succeeds: the bypass starts only after the record was written', async () => {
    const order: string[] = [];
    settings = {
      audit: { record: () => new Promise<void>((resolve) => setTimeout(() => (order.push('recorded'), resolve()), 15)) },
    };
    const names = await bypassTenantFilter(async () => {
      order.push('bypass ran');
      return (await products.find({ order: { id: 'ASC' } })).map((row) => row.name);
    });
    expect(names).toEqual(['A1', 'A2', 'B1', 'B2']);
    expect(order).toEqual(['recorded', 'bypass ran']);
  });

  it('[regression] allowUnauditedBypass: true is the explicit opt-out: the bypass runs during the outage', async () => {
    sink.mode = 'reject';
    settings = { ...settings, allowUnauditedBypass: true };
    expect((await bypassTenantFilter(() => products.find())).length).toBe(4);
  });
});

describe.each(TARGETS)('Audit outage attacks on @BypassTenant() routes ($name)', (target) => {
  let t: HttpTestApp;
  let log: HandlerLog;
  let admin: string;
  const sink = new SwitchableSink();

  beforeAll(async () => {
    t = await createHttpApp(target, {
      controllers: [AttackAdminController],
      providers: [HandlerLog],
      tenancy: {
        resolvers: [new JwtTenantResolver({ secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE })],
        canBypass: ({ principal }) => principal?.claims.role === 'admin',
        audit: sink,
      },
    });
    log = t.app.get(HandlerLog);
    admin = await signToken({ sub: 'root', role: 'admin' });
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(async () => {
    await resetProducts(t.dataSource, SEED);
    sink.mode = 'ok';
    log.ran.length = 0;
  });

  const expectUnavailable = (res: request.Response) => {
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'TENANT_AUDIT_UNAVAILABLE',
      message: expect.any(String),
    });
    expect(res.text).not.toMatch(/[AB]\d/);
    expect(log.ran).toEqual([]);
  };

  it('[audit-fail-closed] an admin reading every tenant while the sink throws: 503, the handler never ran', async () => {
    sink.mode = 'throw';
    expectUnavailable(await request(t.server).get('/admin/products').set(bearer(admin)));
  });

  it('[audit-fail-closed] an admin reading every tenant while the sink rejects: 503, the handler never ran', async () => {
    sink.mode = 'reject';
    expectUnavailable(await request(t.server).get('/admin/products').set(bearer(admin)));
  });

  it('[audit-fail-closed] an admin purging tenant b while the sink times out: 503, nothing deleted', async () => {
    sink.mode = 'reject-later';
    expectUnavailable(await request(t.server).post('/admin/purge/b').set(bearer(admin)));
    expect((await rawProducts(t.dataSource)).map((row) => row.name)).toEqual(['A1', 'A2', 'B1', 'B2']);
  });

  it('[regression] with the sink back, the same admin route runs and is recorded', async () => {
    const res = await request(t.server).get('/admin/products').set(bearer(admin));
    expect([res.status, res.body]).toEqual([200, { names: ['A1', 'A2', 'B1', 'B2'] }]);
    expect(sink.recorded.at(-1)).toMatchObject({ type: 'tenancy.bypass', details: { actor: 'root', route: 'GET /admin/products' } });
  });
});
