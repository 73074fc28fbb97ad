import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { CLS_CTX, type ClsStore } from 'nestjs-cls';
import { catchError, EMPTY, from, switchMap, type Observable } from 'rxjs';
import { TenancyConfigurationError } from '../errors/tenancy-configuration.error.js';
import { TenancyError } from '../errors/tenancy-error.js';
import { httpTenantRequest } from './http-tenant-request.js';
import { rpcTenantRequest, wsTenantRequest } from './message-tenant-request.js';
import { rpcRefusal } from './rpc-refusal.js';
import { observeInStore } from './observable-context.js';
import { ownStore, wasAdmitted } from './request-context.js';
import { TenancyExceptionFilter } from './tenancy-exception.filter.js';
import { TenantAccessService } from './tenant-access.service.js';
import { applyTenantDecision } from './tenant-decision.js';
import type { TenantRequest } from './tenant-request.js';
import { RouteModes, type TenantRouteMode } from './tenant-route-mode.js';

/**
 * The tenant for what guards cannot scope: microservice message handlers
 * (tenant from the payload or message headers) and WebSocket gateways (from
 * the handshake). The handler runs inside a CLS store of its own, opened here
 * around it. HTTP requests the TenantGuard admitted pass straight through;
 * with `globalGuard: false` it can also scope HTTP routes itself.
 */
@Injectable()
export class TenantInterceptor implements NestInterceptor {
  private readonly routeModes: RouteModes;

  constructor(
    protected readonly reflector: Reflector,
    protected readonly access: TenantAccessService,
    protected readonly filter: TenancyExceptionFilter,
  ) {
    this.routeModes = new RouteModes(reflector);
  }

  /**
   * Messages this interceptor has taken: where Nest applies the global
   * interceptor to a gateway or a message handler, it also runs as the one
   * TenantInterceptorBinder puts there for the apps where Nest does not; Nest
   * hands both the same context.
   */
  private readonly messages = new WeakSet<ExecutionContext>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const type = context.getType();
    if (type !== 'http') {
      if (this.messages.has(context)) return next.handle();
      this.messages.add(context);
    }
    // getArgByIndex(0) is switchToHttp().getRequest(), without the closures switchToHttp() builds per call.
    const http = type === 'http' ? context.getArgByIndex<object>(0) : undefined;
    if (http && wasAdmitted(http)) {
      // The guard set the tenant in the request's store; an Observable the handler returns is subscribed outside it.
      const admitted = ownStore(context, http);
      return admitted ? observeInStore(admitted, () => next.handle()) : next.handle();
    }
    const store: ClsStore = (http && ownStore(context, http)) ?? ({ [CLS_CTX]: context } as ClsStore);
    return from(this.access.decide(context, this.getTenantRequest(context), this.getRouteMode(context))).pipe(
      // next.handle() binds the handler to the async context it is called in, and the handler's
      // Observable starts its work when subscribed: both happen inside the store.
      switchMap((decision) =>
        observeInStore(store, () => {
          applyTenantDecision(decision);
          return next.handle();
        }),
      ),
      // Answered here where the app's global filter may not reach: Nest applies none to gateways, nor to a
      // hybrid app's message handlers without inheritAppConfig. HTTP errors go on to the filter.
      catchError((error: unknown) => {
        if (!(error instanceof TenancyError)) throw error;
        switch (type) {
          case 'ws':
            this.filter.catch(error, context);
            return EMPTY;
          case 'rpc':
            return rpcRefusal(this.filter.answer(error));
          default:
            throw error;
        }
      }),
    );
  }

  protected getRouteMode(context: ExecutionContext): TenantRouteMode {
    return this.routeModes.of(context);
  }

  protected getTenantRequest(context: ExecutionContext): TenantRequest {
    switch (context.getType()) {
      case 'rpc':
        return rpcTenantRequest(context);
      case 'ws':
        return wsTenantRequest(context);
      case 'http':
        return httpTenantRequest(context.getArgByIndex(0));
      default:
        // GraphQL and other transports: their first argument is no request (a GraphQL field's is its parent
        // object, data that could carry a `hostname` or `headers`), so no tenant is read from it.
        throw new TenancyConfigurationError(
          null,
          `TenantInterceptor cannot take the tenant of a "${context.getType()}" handler: it reads HTTP requests, microservice messages and WebSocket handshakes only. Subclass TenantInterceptor and override getTenantRequest() for this transport, or run these handlers inside runWithTenant().`,
        );
    }
  }
}
