import type { EventEmitter } from 'node:events';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ClsServiceManager } from 'nestjs-cls';

/**
 * Node runs every request of a kept-alive connection from the same async
 * resource. A context entered there with `enterWith` (our guard's, when no CLS
 * middleware opened one; nestjs-cls' ClsGuard's; an app's own) stays on the
 * connection and becomes the starting context of the NEXT request on it:
 * behind a proxy that reuses upstream connections, another user's request.
 * Entering a fresh, empty store as each request arrives, before any listener
 * of the app or the framework runs, makes every request start with no tenant
 * and no bypass, whatever the app's CLS setup and middleware order.
 */
const REQUEST_EVENTS = ['request', 'checkContinue', 'checkExpectation', 'upgrade'];
const hooked = new WeakSet<EventEmitter>();

function enterFreshStore(): void {
  ClsServiceManager.getClsService().enterWith({});
}

function startRequestsClean(server: EventEmitter): void {
  if (hooked.has(server)) return;
  hooked.add(server);
  for (const event of REQUEST_EVENTS) server.prependListener(event, enterFreshStore);
}

/** Hooks the app's HTTP server at start-up (nothing to do for an app without one). */
@Injectable()
export class FreshRequestContext implements OnApplicationBootstrap {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onApplicationBootstrap(): void {
    const server: unknown = this.adapterHost.httpAdapter?.getHttpServer();
    if (typeof (server as EventEmitter | undefined)?.prependListener === 'function') startRequestsClean(server as EventEmitter);
  }
}
