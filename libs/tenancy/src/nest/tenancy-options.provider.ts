import type { Provider } from '@nestjs/common';
import { TENANCY_OPTIONS } from '../constants.js';
import { warnIfTenantsUnvalidated } from '../transport/tenant-validation.warning.js';
import { TENANCY_MODULE_OPTIONS } from './tenancy.module-definition.js';
import type { ResolvedTenancyOptions, TenancyModuleOptions } from './tenancy-options.interface.js';
import { resolveTenancyOptions } from './tenancy-options.validator.js';

/**
 * Validates the options once, at start-up. The result lives in this module's
 * DI container only: its contexts and its DataSource get their settings from
 * it, nothing is written to a process global.
 */
export const tenancyOptionsProvider: Provider = {
  provide: TENANCY_OPTIONS,
  inject: [TENANCY_MODULE_OPTIONS],
  useFactory: (options: TenancyModuleOptions) => {
    const resolved: ResolvedTenancyOptions = resolveTenancyOptions(options);
    warnIfTenantsUnvalidated(resolved);
    return resolved;
  },
};
