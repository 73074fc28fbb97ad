import type { JWTPayload } from 'jose';

export interface VerifiedTokenCacheOptions {
  /** Most tokens kept. Default 1000. */
  max?: number;
  /** Milliseconds a verification is reused, never past the token's `exp`. Default 60 000. */
  ttl?: number;
}

interface Entry<T> {
  /** The whole token: a hit needs the identical string. */
  token: string;
  value: T;
  expiresAt: number;
}

/**
 * Entries are found by a number computed from the token's last characters
 * (its signature) and then compared in full. A Map keyed by the token string
 * hashes all of it on every lookup, and the header's token is a new string
 * each request: that hash cost more than the rest of resolution. The full
 * comparison keeps the guarantee of a whole-token key; two tokens that share
 * the number only replace each other.
 */
function indexOf(token: string): number {
  let index = 0;
  // Kept within V8's small integers (31 bits), which a Map hashes without allocating.
  for (let i = Math.max(0, token.length - 8); i < token.length; i++) index = (index * 31 + token.charCodeAt(i)) & 0x3fffffff;
  return index;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * Tokens that passed every check, reused only for the identical token string: a client
 * sends the same bearer token with many requests, and a signature check costs
 * far more than the rest of resolution. A forged or altered token is a
 * different string and is always verified. Only verified tokens are stored,
 * so a flood of bad tokens cannot fill it. What is kept is what the resolver
 * derives from the verified payload (`T`), so that a hit allocates nothing.
 */
export class VerifiedTokenCache<T> {
  private readonly entries = new Map<number, Entry<T>>();
  private readonly max: number;
  private readonly ttl: number;

  constructor(
    options: VerifiedTokenCacheOptions,
    private readonly clockToleranceSeconds: number,
  ) {
    this.max = options.max ?? 1000;
    this.ttl = options.ttl ?? 60_000;
  }

  get(token: string): T | undefined {
    const key = indexOf(token);
    const entry = this.entries.get(key);
    if (!entry || entry.token !== token) return undefined;
    if (entry.expiresAt > Date.now()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  /** `value` is frozen deeply: every later request shares it. */
  set(token: string, payload: JWTPayload, value: T): void {
    if (this.ttl <= 0) return;
    // Valid until `exp` plus the tolerance jose itself allows, and no longer than the TTL.
    const expiresAt = Math.min(
      Date.now() + this.ttl,
      typeof payload.exp === 'number' ? (payload.exp + this.clockToleranceSeconds) * 1000 : Infinity,
    );
    const key = indexOf(token);
    if (this.entries.size >= this.max && !this.entries.has(key)) this.entries.delete(this.entries.keys().next().value as number);
    this.entries.set(key, { token, value: deepFreeze(value), expiresAt });
  }
}
