import { Module, type DynamicModule } from '@nestjs/common';
import { TENANCY_OPTIONS } from './constants.js';
import { TenantContext } from './context/tenant-context.js';
import { ConfigurableTenancyModule, TENANCY_OPTIONS_TYPE } from './tenancy.module-definition.js';
import { tenancyOptionsProvider } from './tenancy-options.provider.js';
import { TenancyDataSourceBinder } from './typeorm/tenancy-data-source.binder.js';

/**
 * `TenancyModule.forRoot(options)` / `forRootAsync({ imports, inject, useFactory })`.
 * Global: TenantContext and the options are injectable everywhere.
 */
@Module({
  providers: [tenancyOptionsProvider, TenantContext, TenancyDataSourceBinder],
  exports: [TENANCY_OPTIONS, TenantContext, TenancyDataSourceBinder],
})
export class TenancyModule extends ConfigurableTenancyModule {
  static override forRoot(options: typeof TENANCY_OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }
}
