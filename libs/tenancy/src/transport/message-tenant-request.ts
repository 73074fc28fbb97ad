import type { ExecutionContext } from '@nestjs/common';
import { headerFrom, type HeaderBag, type TenantRequest } from './tenant-request.js';

type HeaderLookup = (name: string) => string | undefined;

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (Array.isArray(value)) return value.map(text).join(', ');
  return undefined;
}

function lookupIn(source: unknown): HeaderLookup | undefined {
  if (typeof source !== 'object' || source === null) return undefined;
  // NATS message headers are a MsgHdrs object with get(name); the others are plain objects.
  const get = (source as { get?: unknown }).get;
  if (typeof get === 'function') return (name) => text(get.call(source, name));
  // Names differ only in case (`x-tenant-id` beside `X-Tenant-Id`): keep every value, joined as Node joins
  // a repeated HTTP header, so that the tenant id fails validation (400) as over HTTP instead of one silently winning.
  const lower = new Map<string, unknown[]>();
  for (const [key, value] of Object.entries(source)) lower.set(key.toLowerCase(), [...(lower.get(key.toLowerCase()) ?? []), value]);
  return (name) => {
    const values = lower.get(name.toLowerCase());
    return values === undefined ? undefined : values.length === 1 ? text(values[0]) : values.map(text).join(', ');
  };
}

/** Call functions of transport contexts that exist only on some transports. */
function call(target: unknown, method: string): unknown {
  const fn = (target as Record<string, unknown> | undefined)?.[method];
  return typeof fn === 'function' ? fn.call(target) : undefined;
}

/**
 * Headers of a microservice message: `payload.headers` (the portable
 * convention), else the transport's own (NATS, RabbitMQ, Kafka).
 */
function messageHeaders(payload: unknown, transport: unknown): HeaderLookup {
  const message = call(transport, 'getMessage') as { properties?: { headers?: unknown }; headers?: unknown } | undefined;
  const lookup =
    lookupIn((payload as { headers?: unknown } | null)?.headers) ??
    lookupIn(call(transport, 'getHeaders')) ??
    lookupIn(message?.properties?.headers) ??
    lookupIn(message?.headers);
  return lookup ?? (() => undefined);
}

const handlerName = (context: ExecutionContext) => `${context.getClass().name}.${context.getHandler().name}`;

export function rpcTenantRequest(context: ExecutionContext): TenantRequest {
  const rpc = context.switchToRpc();
  const payload: unknown = rpc.getData();
  const transport: unknown = rpc.getContext();
  return {
    transport: 'rpc',
    header: messageHeaders(payload, transport),
    hostname: undefined,
    params: {},
    payload,
    route: `rpc ${handlerName(context)}`,
    raw: transport,
  };
}

interface Handshake {
  headers?: HeaderBag;
  auth?: { token?: unknown };
}

/**
 * The handshake of a WebSocket client (socket.io's `client.handshake`, or the
 * upgrade request a `ws` gateway keeps as `client.request`). Message data is
 * never read: it is client input sent after the connection was checked.
 */
export function wsTenantRequest(context: ExecutionContext): TenantRequest {
  const client = context.switchToWs().getClient<{ handshake?: Handshake; request?: Handshake } | undefined>();
  const handshake = client?.handshake ?? client?.request;
  const token = handshake?.auth?.token;
  const header = (name: string) => {
    const value = headerFrom(handshake?.headers, name);
    // socket.io clients in browsers cannot set headers; they send the token in `auth`.
    if (value === undefined && name === 'authorization' && typeof token === 'string') return `Bearer ${token}`;
    return value;
  };
  return {
    transport: 'ws',
    header,
    hostname: header('host')?.replace(/:\d+$/, ''),
    params: {},
    payload: undefined,
    route: `ws ${handlerName(context)}`,
    raw: client,
  };
}
