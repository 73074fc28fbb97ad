import type { Provider } from '@nestjs/common';
import { TENANCY_OPTIONS } from '../constants.js';
import { LoggerAuditSink } from '../context/tenant-audit.js';
import { configureTenantContext } from '../context/tenant-context.config.js';
import { warnIfTenantsUnvalidated } from '../transport/tenant-validation.warning.js';
import { TENANCY_MODULE_OPTIONS } from './tenancy.module-definition.js';
import type { ResolvedTenancyOptions, TenancyModuleOptions } from './tenancy-options.interface.js';
import { resolveTenancyOptions } from './tenancy-options.validator.js';

/** Validates the options once, at start-up, and configures the tenant context. */
export const tenancyOptionsProvider: Provider = {
  provide: TENANCY_OPTIONS,
  inject: [TENANCY_MODULE_OPTIONS],
  useFactory: (options: TenancyModuleOptions) => {
    const resolved: ResolvedTenancyOptions = resolveTenancyOptions(options);
    configureTenantContext({
      tenantIdPattern: resolved.tenantIdPattern,
      audit: resolved.audit ?? new LoggerAuditSink(),
      allowUnauditedBypass: resolved.allowUnauditedBypass,
    });
    warnIfTenantsUnvalidated(resolved);
    return resolved;
  },
};
