import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TtlCache } from './ttl-cache.js';

describe('TtlCache', () => {
  it('concurrent lookups of one key share one computation', async () => {
    const cache = new TtlCache<number>(1000, 10);
    let runs = 0;
    const compute = async () => (await sleep(5), ++runs);
    expect(await Promise.all([cache.get('k', compute), cache.get('k', compute)])).toEqual([1, 1]);
    expect(runs).toBe(1);
  });

  it('a failed computation is not cached', async () => {
    const cache = new TtlCache<number>(1000, 10);
    await expect(cache.get('k', () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect(await cache.get('k', async () => 7)).toBe(7);
  });

  it('entries expire after the TTL; a TTL of 0 caches nothing', async () => {
    const cache = new TtlCache<number>(20, 10);
    await cache.get('k', async () => 1);
    expect(await cache.get('k', async () => 2)).toBe(1);
    await sleep(40);
    expect(await cache.get('k', async () => 3)).toBe(3);
    const none = new TtlCache<number>(0, 10);
    await none.get('k', async () => 1);
    expect(await none.get('k', async () => 2)).toBe(2);
    expect(none.size).toBe(0);
  });

  it('stays within max entries by dropping the oldest', async () => {
    const cache = new TtlCache<string>(1000, 2);
    for (const key of ['a', 'b', 'c']) await cache.get(key, async () => key);
    expect(cache.size).toBe(2);
    expect(await cache.get('a', async () => 'recomputed')).toBe('recomputed');
  });

  it('deleteWhere drops matching keys only', async () => {
    const cache = new TtlCache<string>(1000, 10);
    for (const key of ['t1|x', 't1|y', 't2|x']) await cache.get(key, async () => key);
    cache.deleteWhere((key) => key.startsWith('t1|'));
    expect(cache.size).toBe(1);
  });
});
