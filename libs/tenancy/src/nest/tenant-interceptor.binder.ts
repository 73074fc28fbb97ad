import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { TENANCY_OPTIONS } from '../constants.js';
import { TenantInterceptor } from '../transport/tenant.interceptor.js';
import type { ResolvedTenancyOptions } from './tenancy-options.interface.js';

/*
 * Nest's metadata keys, the same strings on Nest 10–12. Not imported: the
 * first two belong to optional peers, and @nestjs/common's public entry does
 * not export the third.
 */
/** `@WebSocketGateway()`'s class mark (@nestjs/websockets' GATEWAY_METADATA). */
const GATEWAY_METADATA = 'websockets:is_gateway';
/** The pattern of a `@MessagePattern()` / `@EventPattern()` method (@nestjs/microservices' PATTERN_METADATA). */
const PATTERN_METADATA = 'microservices:pattern';
/** `@UseInterceptors()` on a class or a method (@nestjs/common's INTERCEPTORS_METADATA). */
const INTERCEPTORS_METADATA = '__interceptors__';

const isTenantInterceptor = (entry: unknown) =>
  entry instanceof TenantInterceptor ||
  (typeof entry === 'function' && (entry === TenantInterceptor || entry.prototype instanceof TenantInterceptor));

/** The methods an instance of `type` has, inherited ones included, as Nest's MetadataScanner finds them. */
function methodsOf(type: { prototype: object }): Set<object> {
  const names = new Set<string>();
  const methods = new Set<object>();
  for (
    let prototype = type.prototype;
    prototype && prototype !== Object.prototype;
    prototype = Object.getPrototypeOf(prototype) as object
  ) {
    for (const name of Object.getOwnPropertyNames(prototype)) {
      if (name === 'constructor' || names.has(name)) continue;
      names.add(name);
      const value = Object.getOwnPropertyDescriptor(prototype, name)?.value as unknown;
      if (typeof value === 'function') methods.add(value);
    }
  }
  return methods;
}

const interceptorsOf = (target: object) => (Reflect.getMetadata(INTERCEPTORS_METADATA, target) as unknown[] | undefined) ?? [];

/**
 * Puts the module's TenantInterceptor where Nest applies no global
 * interceptor, ahead of the handler's own interceptors:
 * - on WebSocket gateway classes: Nest 10 and 11 apply none to gateways
 *   (their SocketModule builds its context creators without the app's config);
 * - on message handler methods (`@MessagePattern`, `@EventPattern`): a hybrid
 *   app's `connectMicroservice()` gets none of the app's global enhancers
 *   unless `inheritAppConfig: true`, on every Nest line.
 * Without it those handlers run with no tenant: scoped reads refuse with
 * TENANT_REQUIRED, and under `onMissingTenant: 'unfiltered'` they read every
 * tenant. Where Nest does apply the global one as well, each message is still
 * decided once (TenantInterceptor.intercept). Runs while DI builds the app,
 * before `app.init()` connects gateways and listeners and reads their interceptors.
 */
@Injectable()
export class TenantInterceptorBinder implements OnModuleDestroy {
  /** What this module put on each class or method and what was there before: metadata outlives the app. */
  private readonly bound: Array<{ target: object; before: unknown[] | undefined; set: unknown[] }> = [];

  constructor(
    discovery: DiscoveryService,
    @Inject(TENANCY_OPTIONS) options: ResolvedTenancyOptions,
    private readonly interceptor: TenantInterceptor,
  ) {
    // globalGuard: false leaves every enhancer to the app (README, "Taking control").
    if (!options.globalGuard) return;
    for (const wrapper of discovery.getProviders()) {
      const type: unknown = wrapper.metatype;
      if (typeof type === 'function' && Reflect.getMetadata(GATEWAY_METADATA, type)) this.put(type, interceptorsOf(type));
    }
    for (const wrapper of discovery.getControllers()) {
      const type: unknown = wrapper.metatype;
      if (typeof type !== 'function') continue;
      const onClass = interceptorsOf(type);
      for (const method of methodsOf(type)) {
        if (Reflect.getMetadata(PATTERN_METADATA, method) !== undefined) this.put(method, interceptorsOf(method), onClass);
      }
    }
  }

  /**
   * Ahead of the target's own interceptors, unless a TenantInterceptor is there already (the app's, or another
   * module's), on the target or, for a method, on its class.
   */
  private put(target: object, own: unknown[], onClass: unknown[] = []): void {
    if (own.some(isTenantInterceptor) || onClass.some(isTenantInterceptor)) return;
    const before = Reflect.getOwnMetadata(INTERCEPTORS_METADATA, target) as unknown[] | undefined;
    // The instance, not the class: Nest takes an instance as it is, where a class would need to be an injectable of the handler's module.
    const set = [this.interceptor, ...own];
    Reflect.defineMetadata(INTERCEPTORS_METADATA, set, target);
    this.bound.push({ target, before, set });
  }

  /** The next app built in this process (tests, a second app) binds its own interceptor, not this closed one's. */
  onModuleDestroy(): void {
    for (const { target, before, set } of this.bound.splice(0)) {
      if (Reflect.getOwnMetadata(INTERCEPTORS_METADATA, target) !== set) continue;
      if (before === undefined) Reflect.deleteMetadata(INTERCEPTORS_METADATA, target);
      else Reflect.defineMetadata(INTERCEPTORS_METADATA, before, target);
    }
  }
}
