import { Module, type DynamicModule } from '@nestjs/common';
import { TENANCY_OPTIONS } from '../constants.js';
import { TenantContext } from './tenant-context.js';
import { ConfigurableTenancyModule, TENANCY_OPTIONS_TYPE } from './tenancy.module-definition.js';
import { tenancyOptionsProvider } from './tenancy-options.provider.js';
import { declareCitusKeys } from '../citus/citus-keys.installer.js';
import { SchemaTenancyService } from './schema-tenancy.service.js';
import { TenancyDataSourceBinder } from './tenancy-data-source.binder.js';
import { TenantInterceptorBinder } from './tenant-interceptor.binder.js';
import { TENANCY_HTTP_EXPORTS, TENANCY_HTTP_PROVIDERS } from '../transport/tenancy-http.providers.js';

/**
 * `TenancyModule.forRoot(options)` / `forRootAsync({ imports, inject, useFactory })`.
 * Global: TenantContext and the options are injectable everywhere.
 */
@Module({
  providers: [
    tenancyOptionsProvider,
    TenantContext,
    TenancyDataSourceBinder,
    TenantInterceptorBinder,
    SchemaTenancyService,
    ...TENANCY_HTTP_PROVIDERS,
  ],
  exports: [TENANCY_OPTIONS, TenantContext, TenancyDataSourceBinder, SchemaTenancyService, ...TENANCY_HTTP_EXPORTS],
})
export class TenancyModule extends ConfigurableTenancyModule {
  static override forRoot(options: typeof TENANCY_OPTIONS_TYPE = {}): DynamicModule {
    // Options are validated once, by the options provider when the app starts,
    // as forRootAsync's are. Citus keys alone still need a declaration before
    // TypeORM builds the tables (see declareCitusKeys); nothing else differs.
    if (options.citus === true && (options.strategy ?? 'row') === 'row') declareCitusKeys(options.dataSource);
    return super.forRoot(options);
  }
}
