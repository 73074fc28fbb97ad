import { describe, expect, it } from 'vitest';
import { VerifiedTokenCache } from './verified-token.cache.js';

const exp = () => Math.floor(Date.now() / 1000) + 60;

describe('VerifiedTokenCache', () => {
  it('a token that only ends like a cached one is not a hit', () => {
    const cache = new VerifiedTokenCache<string>({}, 0);
    cache.set('header.payload-a.signature', { exp: exp() }, 'a');
    expect(cache.get('header.payload-b.signature')).toBeUndefined();
    expect(cache.get('header.payload-a.signature')).toBe('a');
  });

  it('two tokens that share their last characters replace each other, never answer for each other', () => {
    const cache = new VerifiedTokenCache<string>({}, 0);
    cache.set('a.one.signature', { exp: exp() }, 'one');
    cache.set('b.two.signature', { exp: exp() }, 'two');
    expect(cache.get('a.one.signature')).toBeUndefined();
    expect(cache.get('b.two.signature')).toBe('two');
  });

  it('keeps at most max tokens, dropping the oldest', () => {
    const cache = new VerifiedTokenCache<number>({ max: 2 }, 0);
    for (const n of [1, 2, 3]) cache.set(`token-${n}`, { exp: exp() }, n);
    expect([1, 2, 3].map((n) => cache.get(`token-${n}`))).toEqual([undefined, 2, 3]);
  });
});
