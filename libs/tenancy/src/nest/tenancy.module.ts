import { Module, type DynamicModule } from '@nestjs/common';
import { TENANCY_OPTIONS } from '../constants.js';
import { TenantContext } from './tenant-context.js';
import { ConfigurableTenancyModule, TENANCY_OPTIONS_TYPE } from './tenancy.module-definition.js';
import { tenancyOptionsProvider } from './tenancy-options.provider.js';
import { resolveTenancyOptions } from './tenancy-options.validator.js';
import { declareCitusKeys } from '../citus/citus-keys.installer.js';
import { declareSchemaTenancy } from '../schema/schema-strategy.installer.js';
import { SchemaTenancyService } from './schema-tenancy.service.js';
import { TenancyDataSourceBinder } from './tenancy-data-source.binder.js';
import { TENANCY_HTTP_EXPORTS, TENANCY_HTTP_PROVIDERS } from '../transport/tenancy-http.providers.js';

/**
 * `TenancyModule.forRoot(options)` / `forRootAsync({ imports, inject, useFactory })`.
 * Global: TenantContext and the options are injectable everywhere.
 */
@Module({
  providers: [tenancyOptionsProvider, TenantContext, TenancyDataSourceBinder, SchemaTenancyService, ...TENANCY_HTTP_PROVIDERS],
  exports: [TENANCY_OPTIONS, TenantContext, TenancyDataSourceBinder, SchemaTenancyService, ...TENANCY_HTTP_EXPORTS],
})
export class TenancyModule extends ConfigurableTenancyModule {
  static override forRoot(options: typeof TENANCY_OPTIONS_TYPE = {}): DynamicModule {
    // Invalid options are reported by the options provider when the app starts,
    // like forRootAsync's; only a valid schema strategy is declared this early.
    const resolved = (() => {
      try {
        return resolveTenancyOptions(options);
      } catch {
        return undefined;
      }
    })();
    if (resolved?.strategy === 'schema') declareSchemaTenancy(resolved.dataSource, resolved.schema);
    if (resolved?.citus && resolved.strategy === 'row') declareCitusKeys(resolved.dataSource);
    return super.forRoot(options);
  }
}
