import { Logger } from '@nestjs/common';

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

/**
 * An audit sink must never turn a bypass into an unhandled rejection, nor be
 * skipped silently: failures are logged as errors.
 */
export function recordAudit(sink: TenantAuditSink, event: TenantAuditEvent): void {
  try {
    const pending = sink.record(event);
    if (pending instanceof Promise) {
      pending.catch((error: unknown) => logger.error(`audit sink failed: ${String(error)}`));
    }
  } catch (error) {
    logger.error(`audit sink failed: ${String(error)}`);
  }
}
