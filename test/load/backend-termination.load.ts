import { describe, expect, it } from 'vitest';
import { driveTraffic } from './support/drive-traffic.js';
import { countBy, outcomeOf } from './support/latency-probe.js';
import { useLoadServer } from './support/load-fixture.js';
import { describeSummary } from './support/load-summary.js';
import { terminateWhile } from './support/terminate-while.js';

const TENANTS = 100;
const CONCURRENCY = 16;
const REQUESTS = 1_000;
/**
 * Pause between two rounds of terminations while the traffic runs: each
 * round makes the pool reconnect, which takes seconds on a loaded machine,
 * so rounds every 150 ms left no time for traffic between them.
 */
const KILL_EVERY_MS = 1_000;

describe('PostgreSQL backends of the real demo server terminated mid-request', () => {
  const load = useLoadServer({ tenants: TENANTS, concurrency: CONCURRENCY });

  it("requests in flight fail cleanly or succeed, never with another tenant's rows; the next ones all succeed", async () => {
    const traffic = driveTraffic(load.client, load.tenants, REQUESTS, CONCURRENCY);
    const { kills, lockedRounds } = await terminateWhile(load.server.database, traffic, KILL_EVERY_MS);
    const during = await traffic;
    const terminated = kills.reduce((sum, kill) => sum + kill.terminated, 0);
    const midQuery = kills.reduce((sum, kill) => sum + kill.active, 0);
    console.log(`terminated ${terminated} backends in ${kills.length} rounds, ${midQuery} of them mid-statement`);
    console.log(describeSummary('during the terminations', during.summary));
    if (during.samples.length > 0) console.log(`first failure: ${during.samples[0].replace(/Bearer [\w.-]+/, 'Bearer …')}`);
    expect(midQuery).toBeGreaterThanOrEqual(lockedRounds);
    expect(during.summary.outcomes.leak).toBe(0);
    expect(during.summary.outcomes.broken).toBe(0);
    // A lost connection is a 503 DATABASE_UNAVAILABLE (retry), never a 500.
    const serverErrors = countBy(
      during.responses.filter((response) => response.status >= 500),
      outcomeOf,
    );
    expect(
      Object.keys(serverErrors).every((outcome) => outcome === '503:DATABASE_UNAVAILABLE'),
      JSON.stringify(serverErrors),
    ).toBe(true);

    const after = await driveTraffic(load.client, load.tenants, 1_000, CONCURRENCY, REQUESTS);
    console.log(describeSummary('after the terminations', after.summary));
    expect(after.summary.outcomes).toEqual({ ok: 1_000, leak: 0, error: 0, broken: 0 });
  }, 300_000);
});
