import { assignRequestDecision, type BypassMark, type BypassOptions } from '../context/tenant-store.js';
import type { TenantContextSettings } from '../context/tenant-context.settings.js';

/** What the pipeline admits a request as. */
export interface TenantDecision {
  tenantId: string | undefined;
  /** Set on an authorised `@BypassTenant()` route; carries the audit details and who recorded them. */
  bypass: (BypassOptions & { mark: BypassMark }) | undefined;
  /** The settings of the module that decided: the request's context runs with them. */
  context: TenantContextSettings;
}

/** Writes the decision into the request's own CLS store (a bypass was audited when it was decided). */
export function applyTenantDecision(decision: TenantDecision): void {
  // The tenant is validated against the pattern of the module that admitted the request.
  assignRequestDecision(decision.context, decision.tenantId, decision.bypass?.mark);
}
