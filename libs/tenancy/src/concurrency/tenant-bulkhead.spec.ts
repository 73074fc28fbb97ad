import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TenantBusyError } from '../errors/tenant-busy.error.js';
import { TenantBulkhead } from './tenant-bulkhead.js';

const options = { max: 2, queueTimeoutMs: 50, retryAfterSeconds: 1 };

describe('TenantBulkhead', () => {
  it('admits max units per tenant at once, independently per tenant', async () => {
    const bulkhead = new TenantBulkhead(options);
    await bulkhead.acquire('a');
    await bulkhead.acquire('a');
    await bulkhead.acquire('b');
    expect([bulkhead.held('a'), bulkhead.held('b')]).toEqual([2, 1]);
  });

  it('a unit over the limit waits for a release, in arrival order', async () => {
    const bulkhead = new TenantBulkhead({ ...options, queueTimeoutMs: 1_000 });
    const first = await bulkhead.acquire('a');
    const other = await bulkhead.acquire('a');
    const order: string[] = [];
    const second = bulkhead.acquire('a').then((release) => (order.push('second'), release));
    const third = bulkhead.acquire('a').then((release) => (order.push('third'), release));
    await sleep(5);
    expect(order).toEqual([]);
    first();
    await second;
    expect(order).toEqual(['second']);
    expect(bulkhead.held('a')).toBe(2);
    other();
    await third;
    expect(order).toEqual(['second', 'third']);
    expect(bulkhead.held('a')).toBe(2);
  });

  it('a unit that waits longer than queueTimeoutMs fails with TENANT_BUSY and frees its place in the queue', async () => {
    const bulkhead = new TenantBulkhead(options);
    await bulkhead.acquire('a');
    const release = await bulkhead.acquire('a');
    const started = performance.now();
    const error = await bulkhead.acquire('a').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TenantBusyError);
    expect(error).toMatchObject({ code: 'TENANT_BUSY', tenantId: 'a', retryAfterSeconds: 1 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    release();
    expect(bulkhead.held('a')).toBe(1);
  });

  it('releasing twice frees one slot only; a tenant with nothing held is forgotten', async () => {
    const bulkhead = new TenantBulkhead(options);
    const release = await bulkhead.acquire('a');
    const other = await bulkhead.acquire('a');
    release();
    release();
    expect(bulkhead.held('a')).toBe(1);
    other();
    expect(bulkhead.held('a')).toBe(0);
    expect((bulkhead as unknown as { tenants: Map<string, unknown> }).tenants.size).toBe(0);
  });
});
