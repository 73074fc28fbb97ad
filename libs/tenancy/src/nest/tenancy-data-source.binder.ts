import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { TENANCY_OPTIONS } from '../constants.js';
import { TenancyConfigurationError } from '../errors/tenancy-configuration.error.js';
import type { ResolvedTenancyOptions } from './tenancy-options.interface.js';
import { ensureTenantSubscriber, installTenancyPatches } from '../typeorm/install-tenancy-patches.js';
import { bindSchemaTenancy } from '../schema/schema-strategy.installer.js';
import { registerDataSourceTenancy } from '../typeorm/tenancy-data-source.registry.js';
import { assertCitusKeys } from '../citus/citus-keys.installer.js';
import { installTenantRls } from '../rls/install-tenant-rls.js';
import { preflightDataSource } from '../typeorm/data-source.preflight.js';
import { checkTenantConcurrencyFits } from '../concurrency/tenant-concurrency.options.js';
import { bindTenantConcurrency } from '../typeorm/tenant-concurrency.patch.js';
import { findUnreachableDataSource } from './unreachable-data-source.js';

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
    private readonly discovery: DiscoveryService,
    @Inject(TENANCY_OPTIONS) private readonly options: ResolvedTenancyOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    // The patches are installed when the module binds, not when an entity is decorated.
    installTenancyPatches();
    this.dataSource = this.findDataSource();
    if (!this.dataSource) {
      if (this.options.rls) {
        throw new TenancyConfigurationError('rls', 'needs a TypeORM DataSource (TypeOrmModule.forRoot) to protect; none is registered.');
      }
      return;
    }
    // The schema strategy and RLS add their own members to the check when they install.
    preflightDataSource(this.dataSource);
    // Per DataSource: two modules bind two DataSources with their own settings, and they go when the DataSource goes.
    registerDataSourceTenancy(this.dataSource, {
      onMissingTenant: this.options.onMissingTenant,
      context: this.options.context,
      requiredAuditSink: this.options.audit,
    });
    ensureTenantSubscriber(this.dataSource);
    if (this.options.citus && this.options.strategy === 'row') assertCitusKeys(this.dataSource);
    if (this.options.strategy === 'schema') {
      await bindSchemaTenancy(this.dataSource, { ...this.options.schema, tenantIdPattern: this.options.tenantIdPattern });
    }
    if (this.options.rls) await installTenantRls(this.dataSource);
    this.bindTenantConcurrency(this.dataSource);
  }

  private bindTenantConcurrency(dataSource: DataSource): void {
    const limit = this.options.tenantConcurrency;
    if (!limit) return;
    const options = dataSource.options as {
      poolSize?: number;
      extra?: { max?: number };
    };
    // TypeORM passes poolSize to pg-pool as `max` (extra.max wins); pg-pool's default is 10.
    checkTenantConcurrencyFits(limit, dataSource.options.type, options.extra?.max ?? options.poolSize ?? 10);
    bindTenantConcurrency(dataSource, limit);
  }

  private findDataSource(): DataSource | undefined {
    const name = this.options.dataSource;
    try {
      return this.moduleRef.get<DataSource>(getDataSourceToken(name), {
        strict: false,
      });
    } catch {
      // Registered under another typeorm copy's class: found here so that the preflight refuses it.
      const unreachable = findUnreachableDataSource(this.discovery, name);
      if (unreachable) return unreachable;
      if (name === undefined) return undefined;
      throw new TenancyConfigurationError(
        'dataSource',
        `names "${name}", but no TypeOrmModule.forRoot({ name: '${name}' }) is registered. Fix the name or register that DataSource.`,
      );
    }
  }
}
