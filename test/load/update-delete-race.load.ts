import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { superuserQuery } from '../support/postgres.js';
import { LoadClient } from './support/load-client.js';
import { startLoadServer, type LoadServer } from './support/load-server.js';
import { countBy, outcomeOf } from './support/latency-probe.js';

const ROUNDS = 100;
const PATCHES_PER_ROUND = 4;
const TENANT = { 'x-tenant-id': 'tenant_a' };

describe.each(['row', 'schema'] as const)(
  'concurrent PATCH and DELETE of one product (real demo server, PostgreSQL, %s strategy)',
  (strategy) => {
    let server: LoadServer;
    let client: LoadClient;

    beforeAll(async () => {
      server = await startLoadServer({ TENANCY_STRATEGY: strategy });
      client = new LoadClient(server.url, PATCHES_PER_ROUND + 1);
    });
    afterAll(async () => {
      client?.close();
      await server?.stop();
    });

    it(`${ROUNDS} rounds: the DELETE is a 204, each PATCH a 200 or 404, and the product never comes back`, async () => {
      const table = strategy === 'schema' ? 'tenant_tenant_a.products' : 'products';
      const patchOutcomes: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const sku = `RACE-${round}`;
        const created = await client.send({ method: 'POST', path: '/products', headers: TENANT, body: { name: sku, price: 1, sku } });
        expect(created.status, created.text).toBe(201);
        const { id } = JSON.parse(created.text) as { id: number };
        const patch = (i: number) =>
          client.send({ method: 'PATCH', path: `/products/${id}`, headers: TENANT, body: { price: round + i + 2 } });
        // The DELETE in the middle of the PATCHes, so that some load before it and write after it.
        const [before, removed, ...after] = await Promise.all([
          patch(0),
          client.send({ method: 'DELETE', path: `/products/${id}`, headers: TENANT }),
          ...Array.from({ length: PATCHES_PER_ROUND - 1 }, (_, i) => patch(i + 1)),
        ]);
        expect(removed.status, removed.text).toBe(204);
        patchOutcomes.push(...[before, ...after].map(outcomeOf));
        const rows = await superuserQuery<{ count: string }>(server.database, `SELECT count(*) AS count FROM ${table} WHERE sku = $1`, [
          sku,
        ]);
        expect(rows[0].count, `round ${round}: ${sku} is back`).toBe('0');
      }
      const outcomes = countBy(patchOutcomes, (outcome) => outcome);
      console.log(`${strategy}: ${ROUNDS} rounds, PATCH outcomes ${JSON.stringify(outcomes)}, 0 products resurrected`);
      expect(Object.keys(outcomes).every((outcome) => outcome === '200' || outcome === '404')).toBe(true);
    });
  },
);
