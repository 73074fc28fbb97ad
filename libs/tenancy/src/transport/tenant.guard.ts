import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { httpTenantRequest } from './http-tenant-request.js';
import { isThenable, type MaybePromise } from './maybe-promise.js';
import { enterRequestContext, markAdmitted } from './request-context.js';
import { TenantAccessService } from './tenant-access.service.js';
import { applyTenantDecision, type TenantDecision } from './tenant-decision.js';
import type { TenantRequest } from './tenant-request.js';
import { RouteModes, type TenantRouteMode } from './tenant-route-mode.js';

const ADMITTED: Promise<boolean> = Promise.resolve(true);

/**
 * Resolves, checks and sets the tenant of every HTTP request before any
 * interceptor, pipe or handler runs. Registered globally by `forRoot` unless
 * `globalGuard: false`. Extend it and override the protected hooks to change
 * one step (as with @nestjs/throttler's guard), then register the subclass
 * with APP_GUARD and `globalGuard: false`.
 */
@Injectable()
export class TenantGuard implements CanActivate {
  private readonly routeModes: RouteModes;

  constructor(
    protected readonly reflector: Reflector,
    protected readonly access: TenantAccessService,
  ) {
    this.routeModes = new RouteModes(reflector);
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (this.shouldSkip(context)) return true;
    // What switchToHttp().getRequest() returns, without the three closures switchToHttp() builds on every call.
    const request = context.getArgByIndex<object>(0);
    enterRequestContext(context, request);
    const admitted = this.admit(context, request);
    // Always a Promise, even when decided synchronously. Nest runs the next guard in the same synchronous run when
    // a guard answers with a boolean, and Nest's router resumes in the context of that run: a later guard that
    // enters a store of its own (nestjs-cls' ClsGuard, mounted after this one) would then replace the store this
    // guard just entered and admitted, for the rest of the request. A Promise makes Nest await here first.
    return isThenable(admitted) ? admitted : ADMITTED;
  }

  /** Default: everything but HTTP, which TenantInterceptor handles. */
  protected shouldSkip(context: ExecutionContext): boolean {
    return context.getType() !== 'http';
  }

  protected getRouteMode(context: ExecutionContext): TenantRouteMode {
    return this.routeModes.of(context);
  }

  protected getTenantRequest(context: ExecutionContext): TenantRequest {
    return httpTenantRequest(context.getArgByIndex(0));
  }

  /** Called after the tenant (or bypass) is set, before the handler; throw to refuse. */
  protected onAdmitted(_decision: TenantDecision, _context: ExecutionContext): void | Promise<void> {}

  /** Synchronous when the decision is (see TenantAccessService.decideNow): no microtask per request then. */
  protected admit(context: ExecutionContext, request: object): MaybePromise<boolean> {
    const decision = this.access.decideNow(context, this.getTenantRequest(context), this.getRouteMode(context));
    return isThenable(decision)
      ? decision.then((decided) => this.enter(decided, context, request))
      : this.enter(decision, context, request);
  }

  private enter(decision: TenantDecision, context: ExecutionContext, request: object): MaybePromise<boolean> {
    applyTenantDecision(decision);
    markAdmitted(request);
    const after = this.onAdmitted(decision, context);
    return isThenable(after) ? after.then(() => true) : true;
  }
}
