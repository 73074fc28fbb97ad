/** Where a request came from; resolvers that make no sense for a transport return nothing. */
export type TenantTransport = 'http' | 'rpc' | 'ws';

/**
 * A transport-neutral view of one incoming request or message, so that one
 * resolver works on Express, Fastify, microservice messages and WebSocket
 * handshakes alike.
 */
export interface TenantRequest {
  readonly transport: TenantTransport;
  /** Header value by lower-case name; a repeated header comes back joined with ", " (and so fails id validation). */
  header(name: string): string | undefined;
  /** Host name without port, as the adapter trusts it (X-Forwarded-Host only behind a trusted proxy). */
  readonly hostname: string | undefined;
  /** Route parameters (HTTP only). */
  readonly params: Readonly<Record<string, unknown>>;
  /** Message payload (microservice messages only; never an HTTP body, which the client controls). */
  readonly payload: unknown;
  /** `GET /path` without the query string, which may carry secrets; for audit records. */
  readonly route: string;
  /** The adapter's own request, socket or message context, for custom resolvers. */
  readonly raw: unknown;
}

export type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

/** Reads a header from a Node-style header object. */
export function headerFrom(headers: HeaderBag | undefined, name: string): string | undefined {
  const value = headers?.[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}
