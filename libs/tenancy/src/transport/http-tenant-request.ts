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

/** `GET /path`: Express rewrites `url` inside routers, `originalUrl` is what the client asked for; no query string (it may carry secrets). */
function routeOf({ method, originalUrl, url }: HttpRequestLike): string {
  const path = originalUrl ?? url ?? '';
  const query = path.indexOf('?');
  return `${method ?? ''} ${query === -1 ? path : path.slice(0, query)}`;
}

/**
 * A class rather than an object literal with getters: one is built per
 * request, and a literal's accessors cost V8 a runtime call and a closure
 * each (about ten times this instance). Every member is an own data
 * property, so a guard subclass may still spread the view
 * (`{ ...base, header }`) and keep the rest.
 */
class HttpTenantRequest implements TenantRequest {
  readonly transport = 'http' as const;
  readonly header: (name: string) => string | undefined;
  readonly hostname: string | undefined;
  readonly params: Readonly<Record<string, unknown>>;
  readonly payload = undefined;
  readonly route: string;

  constructor(readonly raw: HttpRequestLike) {
    const headers = raw.headers;
    this.header = (name) => headerFrom(headers, name);
    this.hostname = raw.hostname;
    this.params = raw.params ?? NO_PARAMS;
    this.route = routeOf(raw);
  }
}

export function httpTenantRequest(request: HttpRequestLike): TenantRequest {
  return new HttpTenantRequest(request);
}
