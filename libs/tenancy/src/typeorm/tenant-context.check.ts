import type { DataSource } from 'typeorm';
import { assertValidTenantId } from '../context/tenant-id.js';
import { currentBypass, currentTenantContextSettings, getCurrentTenant } from '../context/tenant-store.js';
import { TenantIsolationError } from '../errors/tenant-isolation.error.js';
import { tenancyOptionsFor } from './tenancy-data-source.registry.js';

/**
 * Context settings travel with the context, so code that runs outside the
 * contexts a TenancyModule opens (a timer, a job, a second module's request)
 * carries other settings, possibly the defaults. A DataSource the module bound
 * never trusts that: before it runs a statement for such a context it checks
 * the tenant id against its own tenantIdPattern and the bypass against its own
 * audit settings, so a setting lost on the way fails closed, never open.
 * Contexts opened by the module itself (the usual case) skip the check.
 */
export function assertContextFits(dataSource: DataSource): void {
  const bound = tenancyOptionsFor(dataSource);
  const settings = bound.context;
  if (settings === undefined || currentTenantContextSettings() === settings) return;
  const tenantId = getCurrentTenant();
  if (tenantId !== undefined) assertValidTenantId(tenantId, settings.tenantIdPattern);
  const bypass = currentBypass();
  if (bypass === undefined) return;
  if (bypass.auditedBy === undefined && !settings.allowUnauditedBypass) {
    throw new TenantIsolationError(
      'TENANT_AUDIT_UNAVAILABLE',
      'This bypass runs unaudited (allowUnauditedBypass of another context), which the TenancyModule of this DataSource does not allow.',
    );
  }
  if (bound.requiredAuditSink !== undefined && bypass.auditedBy !== bound.requiredAuditSink) {
    throw new TenantIsolationError(
      'TENANT_BYPASS_FORBIDDEN',
      "This bypass was not recorded by the audit sink of this DataSource's TenancyModule (it started outside the module's contexts, e.g. in a job). " +
        'Start it with the injected TenantContext.bypass(fn), which audits it there.',
    );
  }
}
