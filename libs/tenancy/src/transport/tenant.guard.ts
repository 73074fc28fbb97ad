import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { httpTenantRequest } from './http-tenant-request.js';
import { enterRequestContext, markAdmitted } from './request-context.js';
import { TenantAccessService } from './tenant-access.service.js';
import { applyTenantDecision, type TenantDecision } from './tenant-decision.js';
import type { TenantRequest } from './tenant-request.js';
import { routeModeOf, type TenantRouteMode } from './tenant-route-mode.js';

/**
 * Resolves, checks and sets the tenant of every HTTP request before any
 * interceptor, pipe or handler runs. Registered globally by `forRoot` unless
 * `globalGuard: false`. Extend it and override the protected hooks to change
 * one step (as with @nestjs/throttler's guard), then register the subclass
 * with APP_GUARD and `globalGuard: false`.
 */
@Injectable()
export class TenantGuard implements CanActivate {
  constructor(
    protected readonly reflector: Reflector,
    protected readonly access: TenantAccessService,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (this.shouldSkip(context)) return true;
    const request = context.switchToHttp().getRequest<object>();
    enterRequestContext(context, request);
    return this.admit(context, request);
  }

  /** Default: everything but HTTP, which TenantInterceptor handles. */
  protected shouldSkip(context: ExecutionContext): boolean {
    return context.getType() !== 'http';
  }

  protected getRouteMode(context: ExecutionContext): TenantRouteMode {
    return routeModeOf(this.reflector, context);
  }

  protected getTenantRequest(context: ExecutionContext): TenantRequest {
    return httpTenantRequest(context.switchToHttp().getRequest());
  }

  /** Called after the tenant (or bypass) is set, before the handler; throw to refuse. */
  protected onAdmitted(_decision: TenantDecision, _context: ExecutionContext): void | Promise<void> {}

  protected async admit(context: ExecutionContext, request: object): Promise<boolean> {
    const decision = await this.access.decide(context, this.getTenantRequest(context), this.getRouteMode(context));
    applyTenantDecision(decision);
    markAdmitted(request);
    await this.onAdmitted(decision, context);
    return true;
  }
}
