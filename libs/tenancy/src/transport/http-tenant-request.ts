import { headerFrom, type HeaderBag, type TenantRequest } from './tenant-request.js';

/** The fields Express and Fastify requests share. */
interface HttpRequestLike {
  headers: HeaderBag;
  hostname?: string;
  params?: Record<string, unknown>;
  method?: string;
  originalUrl?: string;
  url?: string;
}

const NO_PARAMS: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * A class rather than an object literal: one is built per request, and a
 * literal with getters costs V8 a runtime call per accessor and a closure
 * each (about ten times the allocation of this instance). `hostname` and
 * `route` stay getters on the prototype: Express parses the host lazily, and
 * most resolvers never ask for either. Being on the prototype, they are not
 * copied by an object spread: a guard subclass that changes one member wraps
 * the request (`Object.create(base, ...)`) or names every member it keeps.
 */
class HttpTenantRequest implements TenantRequest {
  readonly transport = 'http' as const;
  readonly params: Readonly<Record<string, unknown>>;
  readonly payload = undefined;

  constructor(readonly raw: HttpRequestLike) {
    this.params = raw.params ?? NO_PARAMS;
  }

  header(name: string): string | undefined {
    return headerFrom(this.raw.headers, name);
  }

  get hostname(): string | undefined {
    return this.raw.hostname;
  }

  get route(): string {
    const { method, originalUrl, url } = this.raw;
    // Express rewrites `url` inside routers; `originalUrl` is what the client asked for.
    return `${method ?? ''} ${(originalUrl ?? url ?? '').split('?')[0]}`;
  }
}

export function httpTenantRequest(request: HttpRequestLike): TenantRequest {
  return new HttpTenantRequest(request);
}
