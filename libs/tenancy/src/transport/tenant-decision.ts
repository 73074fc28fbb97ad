import { assignRequestBypass, assignRequestTenant, type BypassOptions } from '../context/tenant-store.js';

/** What the pipeline admits a request as. */
export interface TenantDecision {
  tenantId: string | undefined;
  /** Set on an authorised `@BypassTenant()` route; carries the audit details. */
  bypass: BypassOptions | undefined;
}

/** Writes the decision into the request's own CLS store (a bypass was audited when it was decided). */
export function applyTenantDecision(decision: TenantDecision): void {
  if (decision.tenantId !== undefined) assignRequestTenant(decision.tenantId);
  if (decision.bypass) assignRequestBypass(decision.bypass);
}
