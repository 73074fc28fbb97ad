import type { WebSocketAdapter, WsMessageHandler } from '@nestjs/common';
import { lastValueFrom, type Observable } from 'rxjs';

/**
 * A WebSocket adapter without sockets: Nest's real gateway pipeline (guards,
 * interceptors, filters, param decorators) with clients that are plain
 * objects, because no ws or socket.io package is installed.
 */
export class MemoryWsClient {
  readonly emitted: { event: string; data: unknown }[] = [];
  handlers = new Map<string, WsMessageHandler>();
  transform: (data: unknown) => Observable<unknown> = () => {
    throw new Error('not connected');
  };

  constructor(readonly handshake: { headers: Record<string, string>; auth?: { token?: string } }) {}

  emit(event: string, data: unknown): void {
    this.emitted.push({ event, data });
  }

  /** Sends one message; resolves with the handler's answer, or undefined when the filter emitted an exception instead. */
  async send(message: string, data: unknown = {}): Promise<unknown> {
    const handler = this.handlers.get(message);
    if (!handler) throw new Error(`no handler for ${message}`);
    return lastValueFrom(this.transform(handler.callback(data)), { defaultValue: undefined });
  }
}

export class MemoryWsServer {
  onConnect: ((client: MemoryWsClient) => void) | undefined;

  connect(client: MemoryWsClient): MemoryWsClient {
    this.onConnect?.(client);
    return client;
  }
}

export class MemoryWsAdapter implements WebSocketAdapter<MemoryWsServer, MemoryWsClient> {
  readonly servers: MemoryWsServer[] = [];

  create(): MemoryWsServer {
    const server = new MemoryWsServer();
    this.servers.push(server);
    return server;
  }

  bindClientConnect(server: MemoryWsServer, callback: (client: MemoryWsClient) => void): void {
    server.onConnect = callback;
  }

  bindMessageHandlers(client: MemoryWsClient, handlers: WsMessageHandler[], transform: (data: unknown) => Observable<unknown>): void {
    client.handlers = new Map(handlers.map((handler) => [handler.message, handler]));
    client.transform = transform;
  }

  close(): void {}

  dispose(): void {}
}
