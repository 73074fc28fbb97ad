import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoadClient } from './support/load-client.js';
import { describeSummary } from './support/load-summary.js';
import { LOAD_JWT_SECRET, startLoadServer, type LoadServer } from './support/load-server.js';
import { provisionTenants, type LoadTenant } from './support/load-tenants.js';
import { driveTraffic } from './support/drive-traffic.js';

const TENANTS = 100;
const REQUESTS = 10_000;
const CONCURRENCY = 64;

describe('10,000 requests across 100 tenants against the real demo server (PostgreSQL, row strategy)', () => {
  let server: LoadServer;
  let client: LoadClient;
  let tenants: LoadTenant[];

  beforeAll(async () => {
    server = await startLoadServer();
    client = new LoadClient(server.url, CONCURRENCY);
    tenants = await provisionTenants(server.database, client, TENANTS, LOAD_JWT_SECRET);
  });
  afterAll(async () => {
    client?.close();
    await server?.stop();
  });

  it('every response carries only its own tenant: 0 leaked rows, 0 errors', async () => {
    // A short warm-up (JIT, pool, validation cache) that is checked but not counted.
    const warm = await driveTraffic(client, tenants, 500, CONCURRENCY, REQUESTS);
    expect(warm.summary.outcomes.ok).toBe(500);
    const run = await driveTraffic(client, tenants, REQUESTS, CONCURRENCY);
    console.log(describeSummary(`isolation, ${TENANTS} tenants, concurrency ${CONCURRENCY}`, run.summary));
    if (run.samples.length > 0) console.log(run.samples.join('\n'));
    expect(run.summary.outcomes).toEqual({ ok: REQUESTS, leak: 0, error: 0, broken: 0 });
  });
});
