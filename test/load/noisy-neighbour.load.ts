import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoadClient, type LoadResponse } from './support/load-client.js';
import { startLoadServer, type LoadServer } from './support/load-server.js';
import { countBy, maxMs, outcomeOf, probeUntil } from './support/latency-probe.js';
import { lockTenantProducts } from './support/tenant-lock.js';

const POOL_SIZE = 10;
/** Requests of the stalled tenant kept in flight: twice the whole pool. */
const FLOOD_CONCURRENCY = 20;
const FLOOD_MS = 6_000;

/** Sends `concurrency` streams of `request()` until `ms` have passed. */
async function flood(
  client: LoadClient,
  request: () => Parameters<LoadClient['send']>[0],
  concurrency: number,
  ms: number,
): Promise<LoadResponse[]> {
  const deadline = performance.now() + ms;
  const responses: LoadResponse[] = [];
  const stream = async () => {
    while (performance.now() < deadline) responses.push(await client.send(request()));
  };
  await Promise.all(Array.from({ length: concurrency }, stream));
  return responses;
}

describe.each(['schema', 'row'] as const)(
  'one stalled tenant on the real demo server (PostgreSQL, %s strategy, pool of 10)',
  (strategy) => {
    let server: LoadServer;
    let productId: number;
    const client = () => new LoadClient(server.url, FLOOD_CONCURRENCY + 2, 20_000);

    beforeAll(async () => {
      // The demo's defaults: half the pool per tenant, 1 s in the queue, lock_timeout 2 s.
      server = await startLoadServer({ TENANCY_STRATEGY: strategy, POOL_SIZE: String(POOL_SIZE) });
      const setup = client();
      const created = await setup.send({
        method: 'POST',
        path: '/products',
        headers: { 'x-tenant-id': 'tenant_a' },
        body: { name: 'Stalled', price: 1, sku: 'STALLED' },
      });
      expect(created.status, created.text).toBe(201);
      productId = (JSON.parse(created.text) as { id: number }).id;
      // Both tenants validated once, so that the probes below measure the data path only.
      expect((await setup.send({ method: 'GET', path: '/products', headers: { 'x-tenant-id': 'tenant_b' } })).status).toBe(200);
      setup.close();
    });
    afterAll(() => server?.stop());

    it("the stalled tenant's flood gets 503s (TENANT_BUSY once over its share) and never hangs; tenant_b answers within 2 s and /health within 1 s", async () => {
      const floodClient = client();
      const probeClient = new LoadClient(server.url, 2, 20_000);
      const patch = () => ({ method: 'PATCH', path: `/products/${productId}`, headers: { 'x-tenant-id': 'tenant_a' }, body: { price: 2 } });
      // A server under steady traffic has its sockets, pool connections and code paths warm:
      // the run measures the stall of one tenant, not a cold start.
      await flood(floodClient, patch, FLOOD_CONCURRENCY, 500);
      await probeClient.send({ method: 'GET', path: '/health' });
      const lock = await lockTenantProducts(server.database, strategy, 'tenant_a');
      const flooding = flood(floodClient, patch, FLOOD_CONCURRENCY, FLOOD_MS);
      const [flooded, other, health] = await Promise.all([
        flooding,
        probeUntil(probeClient, { method: 'GET', path: '/products', headers: { 'x-tenant-id': 'tenant_b' } }, flooding, 100),
        probeUntil(probeClient, { method: 'GET', path: '/health' }, flooding, 100),
      ]).finally(async () => {
        await lock.release();
        floodClient.close();
        probeClient.close();
      });
      const floodOutcomes = countBy(flooded, outcomeOf);
      console.log(
        `${strategy}: flood of tenant_a ${flooded.length} requests ${JSON.stringify(floodOutcomes)}, slowest ${maxMs(flooded).toFixed(0)} ms; ` +
          `tenant_b ${other.length} probes ${JSON.stringify(countBy(other, outcomeOf))}, slowest ${maxMs(other).toFixed(0)} ms; ` +
          `/health ${health.length} probes ${JSON.stringify(countBy(health, outcomeOf))}, slowest ${maxMs(health).toFixed(0)} ms`,
      );
      expect(Object.keys(floodOutcomes).every((outcome) => ['503:TENANT_BUSY', '503:DATABASE_TIMEOUT'].includes(outcome))).toBe(true);
      expect(floodOutcomes['503:TENANT_BUSY']).toBeGreaterThan(0);
      // lock_timeout (2 s) plus the queue (1 s) bound every answer; far below the client's 20 s.
      expect(maxMs(flooded)).toBeLessThan(5_000);
      expect(other.length).toBeGreaterThan(5);
      expect(other.every((response) => response.status === 200)).toBe(true);
      expect(maxMs(other)).toBeLessThan(2_000);
      expect(health.every((response) => response.status === 200)).toBe(true);
      expect(maxMs(health)).toBeLessThan(1_000);
    });

    it('once the lock is gone, the tenant is served again', async () => {
      const after = client();
      const response = await after.send({
        method: 'PATCH',
        path: `/products/${productId}`,
        headers: { 'x-tenant-id': 'tenant_a' },
        body: { price: 3 },
      });
      after.close();
      expect(response.status, response.text).toBe(200);
    });
  },
);
