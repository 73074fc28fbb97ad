import type { TenantRequest } from './tenant-request.js';
import type { ResolvedRequest } from './tenant-resolution.js';

/** A user object set by an authentication guard or Passport (`request.user`). */
function requestUser(raw: unknown): string | undefined {
  const user = (raw as { user?: Record<string, unknown> } | undefined)?.user;
  const id = user?.id ?? user?.sub ?? user?.username;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

/** Who, where and for which tenant a bypass ran; the sink adds the time. */
export function bypassAuditDetails(request: TenantRequest, resolved: ResolvedRequest): Record<string, unknown> {
  return {
    actor: resolved.principal?.subject ?? requestUser(request.raw) ?? '(anonymous)',
    route: request.route,
    transport: request.transport,
    // Already validated against tenantIdPattern, so it cannot forge log lines.
    requestedTenant: resolved.tenantId ?? null,
  };
}
