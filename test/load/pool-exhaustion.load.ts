import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { driveTraffic } from './support/drive-traffic.js';
import { LoadClient } from './support/load-client.js';
import { useLoadServer } from './support/load-fixture.js';
import { describeSummary } from './support/load-summary.js';
import { lockTables } from './support/table-lock.js';

const TENANTS = 100;
const POOL_SIZE = 3;
const CONCURRENCY = 64;
const HOLD_MS = 3_000;

describe(`a pool of ${POOL_SIZE} connections exhausted under load on the real demo server`, () => {
  const load = useLoadServer({ tenants: TENANTS, concurrency: CONCURRENCY, env: { POOL_SIZE: String(POOL_SIZE) } });
  beforeAll(async () => {
    // Every tenant validated once, so that the blocked requests below hold connections in the handlers.
    await driveTraffic(load.client, load.tenants, 400, CONCURRENCY, 100_000);
  });

  it('requests blocked on a lock hold every connection; the rest get 503 after the timeouts instead of hanging, and the server recovers', async () => {
    const lock = await lockTables(load.server.database, ['projects', 'products']);
    const blocked = driveTraffic(load.client, load.tenants, 640, CONCURRENCY);
    await sleep(HOLD_MS);
    // Every connection is held by a blocked request: a probe that needs one waits, at most the pool acquire timeout (3 s).
    const probe = new LoadClient(load.server.url, 1, 5_000);
    const health = await probe.send({ method: 'GET', path: '/health' });
    probe.close();
    const releasedAt = performance.now();
    await lock.release();
    const drained = await blocked;
    const drainMs = performance.now() - releasedAt;
    console.log(
      `pool exhausted for ${HOLD_MS} ms: health probe ${health.status === 0 ? `timed out (${health.networkError})` : health.status}; ` +
        `${drained.summary.requests} queued requests finished ${drainMs.toFixed(0)} ms after the release`,
    );
    console.log(describeSummary('requests queued behind the exhausted pool', drained.summary));
    // lock_timeout (2 s) and the pool acquire timeout (3 s) turn the wait into 503s: no request hangs, none is a 500.
    expect([200, 503]).toContain(health.status);
    expect(health.ms).toBeLessThan(4_500);
    expect(drained.summary.outcomes.leak).toBe(0);
    expect(drained.summary.outcomes.broken).toBe(0);
    expect(Object.keys(drained.summary.statuses).every((status) => ['200', '403', '503'].includes(status))).toBe(true);

    const after = await driveTraffic(load.client, load.tenants, 2_000, CONCURRENCY, 640);
    console.log(describeSummary(`after recovery (pool of ${POOL_SIZE})`, after.summary));
    expect(after.summary.outcomes).toEqual({ ok: 2_000, leak: 0, error: 0, broken: 0 });
  });
});
