import { Logger } from '@nestjs/common';
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

const logger = new Logger('TenancyAudit');

export class LoggerAuditSink implements TenantAuditSink {
  record(event: TenantAuditEvent): void {
    const parts = [
      `tenant filter bypassed`,
      `from tenant=${event.tenantId ?? '(none)'}`,
      event.reason ? `reason="${event.reason}"` : 'reason=(not given)',
      event.details ? JSON.stringify(event.details) : undefined,
    ];
    logger.warn(parts.filter(Boolean).join(' '));
  }
}

function auditUnavailable(cause: unknown): TenantIsolationError {
  const error = new TenantIsolationError(
    'TENANT_AUDIT_UNAVAILABLE',
    `The audit sink failed (${String(cause)}), so the bypass was refused: an unaudited cross-tenant read is what the audit exists to prevent. ` +
      'Fix the sink, or accept unaudited bypasses during an outage with the option allowUnauditedBypass: true.',
  );
  error.cause = cause;
  return error;
}

/**
 * Records one bypass before it runs. A sink that throws or rejects refuses the
 * bypass (TENANT_AUDIT_UNAVAILABLE) unless `allowUnaudited`, which only logs
 * the failure. A synchronous sink is answered synchronously (undefined when it
 * succeeded), so a synchronous bypass stays synchronous; an asynchronous sink
 * gives a Promise the caller must await before the bypassed work starts.
 */
export function recordAudit(sink: TenantAuditSink, event: TenantAuditEvent, allowUnaudited: boolean): Promise<void> | undefined {
  const failed = (error: unknown): undefined => {
    if (!allowUnaudited) throw auditUnavailable(error);
    logger.error(`audit sink failed, bypass proceeds unaudited (allowUnauditedBypass): ${String(error)}`);
    return undefined;
  };
  let pending: void | Promise<void>;
  try {
    pending = sink.record(event);
  } catch (error) {
    return failed(error);
  }
  if (!isThenable(pending)) return undefined;
  return Promise.resolve(pending).then(() => undefined, failed);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}
