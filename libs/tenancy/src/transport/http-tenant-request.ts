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

export function httpTenantRequest(request: HttpRequestLike): TenantRequest {
  return {
    transport: 'http',
    header: (name) => headerFrom(request.headers, name),
    // Getters: Express parses the host lazily, and most resolvers never ask.
    get hostname() {
      return request.hostname;
    },
    params: request.params ?? {},
    payload: undefined,
    get route() {
      // Express rewrites `url` inside routers; `originalUrl` is what the client asked for.
      return `${request.method ?? ''} ${(request.originalUrl ?? request.url ?? '').split('?')[0]}`;
    },
    raw: request,
  };
}
