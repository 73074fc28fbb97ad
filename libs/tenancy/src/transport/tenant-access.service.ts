import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { TENANCY_OPTIONS } from '../constants.js';
import { recordBypassAudit } from '../context/tenant-store.js';
import type { ResolvedTenancyHttpOptions } from './tenancy-http-options.js';
import { bypassAuditDetails } from './bypass-audit.js';
import { bypassForbidden, tenantForbidden, tenantRequired, tenantUnknown } from '../errors/tenant-access.errors.js';
import type { TenantDecision } from './tenant-decision.js';
import type { TenantRequest } from './tenant-request.js';
import { resolveRequest, type ResolvedRequest } from './tenant-resolution.js';
import type { TenantRouteMode } from './tenant-route-mode.js';
import { TenantValidator } from './tenant-validator.js';

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

  async decide(context: ExecutionContext, request: TenantRequest, mode: TenantRouteMode): Promise<TenantDecision> {
    const resolved = await resolveRequest(this.options.resolvers, request, this.options.context.tenantIdPattern);
    if (mode === 'bypass') return this.authoriseBypass(context, request, resolved);
    if (resolved.outsideGrant) throw tenantForbidden('the credentials do not grant it');
    const { tenantId, principal, principalVerified } = resolved;
    if (tenantId === undefined) {
      if (mode === 'optional') return { tenantId: undefined, bypass: undefined, context: this.options.context };
      throw tenantRequired();
    }
    if (!(await this.validator.isValid(tenantId, { request, principal }, { principalVerified }))) throw tenantUnknown();
    return { tenantId, bypass: undefined, context: this.options.context };
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
