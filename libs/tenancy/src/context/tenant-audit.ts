import { TenantIsolationError } from '../errors/tenant-isolation.error.js';

/** One deliberate crossing of the tenant boundary. */
export interface TenantAuditEvent {
  type: 'tenancy.bypass';
  /** The tenant of the context the bypass started from, if any. */
  tenantId: string | undefined;
  reason?: string;
  at: Date;
  /** Transport details added by the caller (route, user, tenant header...). */
  details?: Record<string, unknown>;
}

export interface TenantAuditSink {
  record(event: TenantAuditEvent): void | Promise<void>;
}

/** 'unaudited': the sink failed and allowUnauditedBypass let the bypass run anyway. */
export type TenantAuditOutcome = 'recorded' | 'unaudited';

/** The one-line form of an event, shared by the sinks that write text. */
export function formatAuditEvent(event: TenantAuditEvent): string {
  const parts = [
    `tenant filter bypassed`,
    `from tenant=${event.tenantId ?? '(none)'}`,
    event.reason ? `reason="${event.reason}"` : 'reason=(not given)',
    event.details ? JSON.stringify(event.details) : undefined,
  ];
  return parts.filter(Boolean).join(' ');
}

/**
 * The sink of a context no TenancyModule configured (scripts without Nest):
 * the context layer knows no Nest logger, so it writes to stderr. The module
 * hands its own sink (Nest's Logger by default) to the contexts it opens.
 */
export const stderrAuditSink: TenantAuditSink = Object.freeze({
  record(event: TenantAuditEvent): void {
    console.warn(`[TenancyAudit] ${formatAuditEvent(event)}`);
  },
});

function auditUnavailable(cause: unknown): TenantIsolationError {
  const error = new TenantIsolationError(
    'TENANT_AUDIT_UNAVAILABLE',
    `The audit sink failed (${String(cause)}), so the bypass was refused: an unaudited cross-tenant read is what the audit exists to prevent. ` +
      'Fix the sink, or accept unaudited bypasses during an outage with the option allowUnauditedBypass: true.',
  );
  error.cause = cause;
  return error;
}

export interface RecordAuditPolicy {
  allowUnaudited: boolean;
  /** Where a sink failure is reported when allowUnaudited lets the bypass run. */
  reportFailure: (message: string) => void;
}

/**
 * Records one bypass before it runs. A sink that throws or rejects refuses the
 * bypass (TENANT_AUDIT_UNAVAILABLE) unless `allowUnaudited`, which only reports
 * the failure. A synchronous sink is answered synchronously, so a synchronous
 * bypass stays synchronous; an asynchronous sink gives a Promise the caller
 * must await before the bypassed work starts.
 */
export function recordAudit(
  sink: TenantAuditSink,
  event: TenantAuditEvent,
  policy: RecordAuditPolicy,
): TenantAuditOutcome | Promise<TenantAuditOutcome> {
  const failed = (error: unknown): TenantAuditOutcome => {
    if (!policy.allowUnaudited) throw auditUnavailable(error);
    policy.reportFailure(`audit sink failed, bypass proceeds unaudited (allowUnauditedBypass): ${String(error)}`);
    return 'unaudited';
  };
  let pending: void | Promise<void>;
  try {
    pending = sink.record(event);
  } catch (error) {
    return failed(error);
  }
  if (!isThenable(pending)) return 'recorded';
  return Promise.resolve(pending).then(() => 'recorded' as const, failed);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}
