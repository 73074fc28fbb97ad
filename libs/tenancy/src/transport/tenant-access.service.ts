import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { TENANCY_OPTIONS } from '../constants.js';
import { recordBypassAudit } from '../context/tenant-store.js';
import type { ResolvedTenancyHttpOptions } from './tenancy-http-options.js';
import { bypassAuditDetails } from './bypass-audit.js';
import { bypassForbidden, tenantForbidden, tenantRequired, tenantUnknown } from '../errors/tenant-access.errors.js';
import { isThenable, type MaybePromise } from './maybe-promise.js';
import type { TenantDecision } from './tenant-decision.js';
import type { TenantRequest } from './tenant-request.js';
import { resolveRequest, type ResolvedRequest } from './tenant-resolution.js';
import type { TenantRouteMode } from './tenant-route-mode.js';
import { ADMITTED_UNVALIDATED, TenantValidator } from './tenant-validator.js';

/**
 * The one place that decides what a request runs as, shared by the guard
 * (HTTP) and the interceptor (microservices, WebSockets): resolve, check the
 * credential's grant, validate, authorise a bypass. It only throws
 * TenantIsolationError; mapping to a status is the exception filter's job.
 */
@Injectable()
export class TenantAccessService {
  constructor(
    @Inject(TENANCY_OPTIONS) private readonly options: ResolvedTenancyHttpOptions,
    private readonly validator: TenantValidator,
  ) {}

  decide(context: ExecutionContext, request: TenantRequest, mode: TenantRouteMode): Promise<TenantDecision> {
    try {
      return Promise.resolve(this.decideNow(context, request, mode));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * decide() without a Promise when every step answers synchronously (the
   * resolvers that ship with a cached token, no `validateTenant`): the
   * guard's path, taken by every HTTP request. A refusal is thrown, or
   * rejected when a step was asynchronous.
   */
  decideNow(context: ExecutionContext, request: TenantRequest, mode: TenantRouteMode): MaybePromise<TenantDecision> {
    const resolved = resolveRequest(this.options.resolvers, request, this.options.context.tenantIdPattern);
    return isThenable(resolved)
      ? resolved.then((found) => this.decideResolved(context, request, mode, found))
      : this.decideResolved(context, request, mode, resolved);
  }

  private decideResolved(
    context: ExecutionContext,
    request: TenantRequest,
    mode: TenantRouteMode,
    resolved: ResolvedRequest,
  ): MaybePromise<TenantDecision> {
    if (mode === 'bypass') return this.authoriseBypass(context, request, resolved);
    if (resolved.outsideGrant) throw tenantForbidden('the credentials do not grant it');
    const { tenantId, principal, principalVerified } = resolved;
    if (tenantId === undefined) {
      if (mode === 'optional') return { tenantId: undefined, bypass: undefined, context: this.options.context };
      throw tenantRequired();
    }
    const decision: TenantDecision = { tenantId, bypass: undefined, context: this.options.context };
    const valid = this.validator.isValid(tenantId, { request, principal }, { principalVerified });
    // Nothing to validate against (no validateTenant): no need to wait for the answer. A validator subclass answers otherwise.
    if (valid === ADMITTED_UNVALIDATED) return decision;
    return Promise.resolve(valid).then((admitted) => {
      if (!admitted) throw tenantUnknown();
      return decision;
    });
  }

  /**
   * A bypass route sees every tenant, so it neither needs nor sets one: the
   * tenant the request names is only recorded. Writes under it name their
   * tenant explicitly.
   */
  private async authoriseBypass(context: ExecutionContext, request: TenantRequest, resolved: ResolvedRequest): Promise<TenantDecision> {
    const { canBypass } = this.options;
    const ctx = { context, request, principal: resolved.principal, tenantId: resolved.tenantId };
    if (!canBypass || (await canBypass(ctx)) !== true) throw bypassForbidden();
    const bypass = { reason: 'route marked @BypassTenant()', details: bypassAuditDetails(request, resolved) };
    // Recorded before the decision exists: a sink outage refuses the route (503) rather than run it unaudited.
    const mark = await recordBypassAudit(bypass, this.options.context);
    return { tenantId: undefined, bypass: { ...bypass, mark }, context: this.options.context };
  }
}
