import type { JWTPayload } from 'jose';

export interface VerifiedTokenCacheOptions {
  /** Most tokens kept. Default 1000. */
  max?: number;
  /** Milliseconds a verification is reused, never past the token's `exp`. Default 60 000. */
  ttl?: number;
}

interface Entry<T> {
  value: T;
  expiresAt: number;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * Tokens that passed every check, keyed by the whole token string: a client
 * sends the same bearer token with many requests, and a signature check costs
 * far more than the rest of resolution. A forged or altered token is a
 * different string and is always verified. Only verified tokens are stored,
 * so a flood of bad tokens cannot fill it. What is kept is what the resolver
 * derives from the verified payload (`T`), so that a hit allocates nothing.
 */
export class VerifiedTokenCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
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
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.expiresAt > Date.now()) return entry.value;
    this.entries.delete(token);
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
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(token, { value: deepFreeze(value), expiresAt });
  }
}
