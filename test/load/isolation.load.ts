import { describe, expect, it } from 'vitest';
import { describeSummary } from './support/load-summary.js';
import { driveTraffic } from './support/drive-traffic.js';
import { useLoadServer } from './support/load-fixture.js';

const TENANTS = 100;
const REQUESTS = 10_000;
const CONCURRENCY = 64;

describe('10,000 requests across 100 tenants against the real demo server (PostgreSQL, row strategy)', () => {
  const load = useLoadServer({ tenants: TENANTS, concurrency: CONCURRENCY });

  it('every response carries only its own tenant: 0 leaked rows, 0 errors', async () => {
    // A short warm-up (JIT, pool, validation cache) that is checked but not counted.
    const warm = await driveTraffic(load.client, load.tenants, 500, CONCURRENCY, REQUESTS);
    expect(warm.summary.outcomes.ok).toBe(500);
    const run = await driveTraffic(load.client, load.tenants, REQUESTS, CONCURRENCY);
    console.log(describeSummary(`isolation, ${TENANTS} load.tenants, concurrency ${CONCURRENCY}`, run.summary));
    if (run.samples.length > 0) console.log(run.samples.join('\n'));
    expect(run.summary.outcomes).toEqual({ ok: REQUESTS, leak: 0, error: 0, broken: 0 });
  });
});
