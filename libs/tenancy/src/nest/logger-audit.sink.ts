import { Logger } from '@nestjs/common';
import { formatAuditEvent, type TenantAuditEvent, type TenantAuditSink } from '../context/tenant-audit.js';

const logger = new Logger('TenancyAudit');

/** The audit sink of a TenancyModule without the `audit` option: one warning per bypass through Nest's logger. */
export class LoggerAuditSink implements TenantAuditSink {
  record(event: TenantAuditEvent): void {
    logger.warn(formatAuditEvent(event));
  }
}

/** Reports a failing sink when allowUnauditedBypass lets the bypass run. */
export function logAuditFailure(message: string): void {
  logger.error(message);
}
