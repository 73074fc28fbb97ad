import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { TENANCY_OPTIONS } from '../constants.js';
import { TenancyConfigurationError } from '../errors/tenancy-configuration.error.js';
import type { ResolvedTenancyOptions } from '../tenancy-options.interface.js';
import { ensureTenantSubscriber, installTenancyPatches } from './install-tenancy-patches.js';
import { enableSchemaTenancy } from '../schema/schema-strategy.installer.js';
import { registerDataSourceTenancy } from './tenancy-data-source.registry.js';
import { assertCitusKeys } from '../citus/citus-keys.installer.js';
import { installTenantRls } from '../rls/install-tenant-rls.js';

/**
 * Binds the module's options to the protected DataSource. Looked up lazily so
 * that it works however TypeOrmModule was registered (forRoot, forRootAsync,
 * before or after TenancyModule).
 */
@Injectable()
export class TenancyDataSourceBinder implements OnModuleInit {
  dataSource: DataSource | undefined;

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(TENANCY_OPTIONS) private readonly options: ResolvedTenancyOptions,
  ) {
    installTenancyPatches();
  }

  async onModuleInit(): Promise<void> {
    this.dataSource = this.findDataSource();
    if (!this.dataSource) {
      if (this.options.rls) {
        throw new TenancyConfigurationError('rls', 'needs a TypeORM DataSource (TypeOrmModule.forRoot) to protect; none is registered.');
      }
      return;
    }
    registerDataSourceTenancy(this.dataSource, { onMissingTenant: this.options.onMissingTenant });
    ensureTenantSubscriber(this.dataSource);
    if (this.options.citus && this.options.strategy === 'row') assertCitusKeys(this.dataSource);
    if (this.options.strategy === 'schema') enableSchemaTenancy(this.dataSource, this.options.schema);
    if (this.options.rls) await installTenantRls(this.dataSource);
  }

  private findDataSource(): DataSource | undefined {
    const name = this.options.dataSource;
    try {
      return this.moduleRef.get<DataSource>(getDataSourceToken(name), { strict: false });
    } catch {
      if (name === undefined) return undefined;
      throw new TenancyConfigurationError(
        'dataSource',
        `names "${name}", but no TypeOrmModule.forRoot({ name: '${name}' }) is registered. Fix the name or register that DataSource.`,
      );
    }
  }
}
