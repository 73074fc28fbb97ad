import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { TENANCY_OPTIONS } from '../constants.js';
import { TenantInterceptor } from '../transport/tenant.interceptor.js';
import type { ResolvedTenancyOptions } from './tenancy-options.interface.js';

/** `@WebSocketGateway()`'s class mark (@nestjs/websockets' GATEWAY_METADATA, the same string on Nest 10–12; an optional peer, so not imported). */
const GATEWAY_METADATA = 'websockets:is_gateway';
/** `@UseInterceptors()`'s metadata key (@nestjs/common's INTERCEPTORS_METADATA, not exported by its public entry). */
const INTERCEPTORS_METADATA = '__interceptors__';

const isTenantInterceptor = (entry: unknown) =>
  entry instanceof TenantInterceptor ||
  (typeof entry === 'function' && (entry === TenantInterceptor || entry.prototype instanceof TenantInterceptor));

/**
 * Puts the module's TenantInterceptor on every WebSocket gateway class, in
 * front of the gateway's own interceptors. Nest 10 and 11 apply no global
 * interceptor to gateways (their SocketModule builds its context creators
 * without the app's config): without this, a gateway handler there runs with
 * no tenant. Nest 12 applies the global one too; the interceptor handles each
 * message once (TenantInterceptor.intercept). Runs while DI builds the app,
 * before `app.init()` connects the gateways and reads their interceptors.
 */
@Injectable()
export class TenantGatewayBinder implements OnModuleDestroy {
  /** What this module put on each gateway class and what was there before: class metadata outlives the app. */
  private readonly bound: Array<{ type: object; before: unknown[] | undefined; set: unknown[] }> = [];

  constructor(discovery: DiscoveryService, @Inject(TENANCY_OPTIONS) options: ResolvedTenancyOptions, interceptor: TenantInterceptor) {
    // globalGuard: false leaves every enhancer to the app (README, "Taking control").
    if (!options.globalGuard) return;
    for (const wrapper of discovery.getProviders()) {
      const type: unknown = wrapper.metatype;
      if (typeof type !== 'function' || !Reflect.getMetadata(GATEWAY_METADATA, type)) continue;
      const before = Reflect.getOwnMetadata(INTERCEPTORS_METADATA, type) as unknown[] | undefined;
      const own = (Reflect.getMetadata(INTERCEPTORS_METADATA, type) as unknown[] | undefined) ?? [];
      // Already there: applied by the app, or by the TenancyModule of another app alive in this process.
      if (own.some(isTenantInterceptor)) continue;
      // The instance, not the class: Nest takes an instance as it is, where a class would need to be an injectable of the gateway's module.
      const set = [interceptor, ...own];
      Reflect.defineMetadata(INTERCEPTORS_METADATA, set, type);
      this.bound.push({ type, before, set });
    }
  }

  /** The next app built in this process (tests, a second app) binds its own interceptor, not this closed one's. */
  onModuleDestroy(): void {
    for (const { type, before, set } of this.bound.splice(0)) {
      if (Reflect.getOwnMetadata(INTERCEPTORS_METADATA, type) !== set) continue;
      if (before === undefined) Reflect.deleteMetadata(INTERCEPTORS_METADATA, type);
      else Reflect.defineMetadata(INTERCEPTORS_METADATA, before, type);
    }
  }
}
