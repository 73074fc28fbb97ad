import type { Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { TENANCY_OPTIONS } from '../constants.js';
import type { ResolvedTenancyHttpOptions } from './tenancy-http-options.js';
import { FreshRequestContext } from './fresh-request-context.js';
import { TenancyExceptionFilter } from './tenancy-exception.filter.js';
import { TenantAccessService } from './tenant-access.service.js';
import { TenantGuard } from './tenant.guard.js';
import { TenantInterceptor } from './tenant.interceptor.js';
import { TenantValidator } from './tenant-validator.js';

/*
 * Options may come from forRootAsync, so `globalGuard` is read when the
 * factories run, not in the provider list. A factory returning null registers
 * nothing (Nest skips it), so an opted-out app pays nothing per request.
 */

export const TENANCY_HTTP_PROVIDERS: Provider[] = [
  TenantValidator,
  TenantAccessService,
  TenantGuard,
  TenantInterceptor,
  TenancyExceptionFilter,
  FreshRequestContext,
  {
    provide: APP_GUARD,
    inject: [TENANCY_OPTIONS, TenantGuard],
    useFactory: (options: ResolvedTenancyHttpOptions, guard: TenantGuard) => (options.globalGuard ? guard : null),
  },
  {
    provide: APP_INTERCEPTOR,
    inject: [TENANCY_OPTIONS, TenantInterceptor],
    useFactory: (options: ResolvedTenancyHttpOptions, interceptor: TenantInterceptor) => (options.globalGuard ? interceptor : null),
  },
  { provide: APP_FILTER, inject: [TenancyExceptionFilter], useFactory: (filter: TenancyExceptionFilter) => filter },
];

export const TENANCY_HTTP_EXPORTS = [TenantValidator, TenantAccessService, TenantGuard, TenantInterceptor, TenancyExceptionFilter];
