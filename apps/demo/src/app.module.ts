import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TenancyConfigurationError, TenancyModule, type TenantAuditSink } from 'nestjs-tenancy';
import { AdminModule } from './admin/admin.module.js';
import type { DemoConfig } from './config/demo-config.js';
import { createDemoDataSource } from './database/citus-data-source.js';
import { databaseOptions } from './database/database-options.js';
import { HealthController } from './health/health.controller.js';
import { OrganizationsModule } from './organizations/organizations.module.js';
import { OrganizationsService } from './organizations/organizations.service.js';
import { TenantOnboardingModule } from './organizations/tenant-onboarding.module.js';
import { ProductsModule } from './products/products.module.js';
import { ProjectsModule } from './projects/projects.module.js';
import { tenancyOptions } from './tenancy/tenancy-options.factory.js';

export interface AppModuleOptions {
  audit?: TenantAuditSink;
}

@Module({})
export class AppModule {
  static register(config: DemoConfig, options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRootAsync({
          // A configuration error (e.g. TENANCY_CITUS=1 on a server without Citus) fails at once; lost connections are retried.
          useFactory: () => ({ ...databaseOptions(config), toRetry: (error: unknown) => !(error instanceof TenancyConfigurationError) }),
          dataSourceFactory: (options) => createDemoDataSource(config, options!),
        }),
        // Async so that tenant verification can use the Organization repository.
        TenancyModule.forRootAsync({
          imports: [OrganizationsModule],
          inject: [OrganizationsService],
          useFactory: (organizations: OrganizationsService) => tenancyOptions({ config, organizations, audit: options.audit }),
        }),
        OrganizationsModule,
        TenantOnboardingModule,
        ProjectsModule,
        ProductsModule,
        AdminModule,
      ],
      controllers: [HealthController],
    };
  }
}
