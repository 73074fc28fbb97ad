import { ConfigurableModuleBuilder } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ClsModule } from 'nestjs-cls';
import type { TenancyModuleExtras, TenancyModuleOptions } from './tenancy-options.interface.js';

export const {
  ConfigurableModuleClass: ConfigurableTenancyModule,
  MODULE_OPTIONS_TOKEN: TENANCY_MODULE_OPTIONS,
  OPTIONS_TYPE: TENANCY_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: TENANCY_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<TenancyModuleOptions>({
  moduleName: 'Tenancy',
})
  .setClassMethodName('forRoot')
  .setExtras<TenancyModuleExtras>({ registerClsModule: true }, (definition, extras) => ({
    ...definition,
    global: true,
    imports: [
      ...(definition.imports ?? []),
      // The binder's search for a DataSource registered by another copy of typeorm.
      DiscoveryModule,
      ...(extras.registerClsModule ? [ClsModule.forRoot({ global: true, middleware: { mount: true } })] : []),
    ],
  }))
  .build();
