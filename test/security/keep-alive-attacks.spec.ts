import { APP_GUARD } from '@nestjs/core';
import { ClsModule } from 'nestjs-cls';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CATALOG_CONTROLLERS } from '../http/support/catalog.controllers.js';
import { createHttpApp, TARGETS, type HttpTestApp } from '../http/support/http-app.js';
import { seedProducts } from '../http/support/seed.js';
import { bearer, signToken } from '../http/support/tokens.js';
import { createAttackApp, SEED, type AttackApp } from './support/attack-app.js';
import { ContextProbeModule, ProbeGuard, registerPlainRoute } from './support/context-probe.js';
import { KeepAliveClient, type KeepAliveResponse } from './support/keep-alive-client.js';
import { resetProducts } from './support/raw-products.js';

/**
 * Keep-alive carry-over: the attack app registers its own ClsModule without
 * the CLS middleware (`registerClsModule: false`). Whatever context one
 * request leaves on its connection must not be where the next request on the
 * same socket starts: behind a proxy that reuses upstream connections, that
 * next request is another user's. Each case sends a first request (the
 * taint), then a second one on the same socket to code that runs before or
 * without the tenant guard, and checks it saw no tenant and no bypass.
 * `protection` names what stops it (see scripts/security-mutations.ts).
 */
interface Taint {
  name: string;
  send(client: KeepAliveClient, adminToken: string): Promise<KeepAliveResponse>;
  status: number;
}

interface Probe {
  name: string;
  path: string;
  /** What the second request saw: the contexts its stages reported. */
  seen(res: KeepAliveResponse): Record<string, unknown>;
  clean: Record<string, unknown>;
}

const TAINTS: Taint[] = [
  { name: "tenant a's request", send: (c) => c.send('GET', '/products', { 'x-tenant-id': 'a' }), status: 200 },
  { name: "an admin's bypass request", send: (c, admin) => c.send('GET', '/admin/products', bearer(admin)), status: 200 },
  { name: 'a request of tenant a whose handler threw', send: (c) => c.send('GET', '/context/throw', { 'x-tenant-id': 'a' }), status: 500 },
  { name: 'a streamed response of tenant a', send: (c) => c.send('GET', '/context/stream', { 'x-tenant-id': 'a' }), status: 200 },
];

const PROBES: Probe[] = [
  {
    name: 'a middleware',
    path: '/health',
    seen: (res) => ({ middleware: res.headers['x-probe-middleware'] }),
    clean: { middleware: 'none' },
  },
  {
    name: 'a global guard that runs before the tenant guard',
    path: '/health',
    seen: (res) => ({ guard: res.headers['x-probe-guard'] }),
    clean: { guard: 'none' },
  },
  {
    name: 'a plain route on the HTTP adapter (no Nest guard)',
    path: '/plain',
    seen: (res) => ({ status: res.status, body: JSON.parse(res.text) }),
    clean: { status: 200, body: { context: 'none' } },
  },
  {
    name: 'a 404 (no route, no guard)',
    path: '/no-such-route',
    seen: (res) => ({ status: res.status, middleware: res.headers['x-probe-middleware'] }),
    clean: { status: 404, middleware: 'none' },
  },
];

describe.each(TARGETS)('keep-alive attack catalogue ($name)', (target) => {
  let t: AttackApp;
  let adminToken: string;
  beforeAll(async () => {
    t = await createAttackApp(target);
    adminToken = await signToken({ sub: 'root', role: 'admin' });
  });
  afterAll(() => t?.close());
  beforeEach(() => resetProducts(t.dataSource, SEED));

  for (const taint of TAINTS) {
    for (const probe of PROBES) {
      it(`[request-starts-clean] after ${taint.name}, ${probe.name} of the next request on the same socket runs as no one`, async () => {
        const client = new KeepAliveClient(t.server);
        try {
          expect((await taint.send(client, adminToken)).status).toBe(taint.status);
          const next = await client.send('GET', probe.path);
          expect(next.reusedSocket).toBe(true);
          expect(probe.seen(next)).toEqual(probe.clean);
        } finally {
          client.close();
        }
      });
    }
  }

  it('[request-starts-clean] behind a proxy reusing one upstream connection: alice (tenant a), then an anonymous visitor, then bob (tenant b)', async () => {
    const upstream = new KeepAliveClient(t.server);
    try {
      await upstream.send('GET', '/products', { 'x-tenant-id': 'a' });
      const anonymous = await upstream.send('GET', '/health/products');
      expect([anonymous.status, anonymous.headers['x-probe-middleware'], anonymous.headers['x-probe-guard']]).toEqual([
        400,
        'none',
        'none',
      ]);
      expect(anonymous.text).not.toMatch(/A\d/);
      const bob = await upstream.send('GET', '/products', { 'x-tenant-id': 'b' });
      expect([bob.headers['x-probe-middleware'], JSON.parse(bob.text)]).toEqual(['none', { tenant: 'b', names: ['B1', 'B2'] }]);
    } finally {
      upstream.close();
    }
  });
});

/** nestjs-cls' own ClsGuard opens each request's store with enterWith too: the same carry-over, from the app's side. */
describe.each(TARGETS)("keep-alive attack catalogue, app mounting nestjs-cls' ClsGuard ($name)", (target) => {
  let t: HttpTestApp;
  beforeAll(async () => {
    t = await createHttpApp(target, {
      controllers: CATALOG_CONTROLLERS,
      providers: [{ provide: APP_GUARD, useClass: ProbeGuard }],
      imports: [ClsModule.forRoot({ global: true, guard: { mount: true } }), ContextProbeModule],
      tenancyModule: { registerClsModule: false },
      configure: registerPlainRoute,
    });
    await seedProducts(t.dataSource, { a: ['A1'], b: ['B1'] });
  });
  afterAll(() => t?.close());

  for (const probe of PROBES) {
    it(`[request-starts-clean] after tenant a's request through ClsGuard, ${probe.name} of the next request runs as no one`, async () => {
      const client = new KeepAliveClient(t.server);
      try {
        expect((await client.send('GET', '/products', { 'x-tenant-id': 'a' })).status).toBe(200);
        const next = await client.send('GET', probe.path);
        expect(next.reusedSocket).toBe(true);
        expect(probe.seen(next)).toEqual(probe.clean);
      } finally {
        client.close();
      }
    });
  }
});
