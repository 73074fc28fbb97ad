import 'reflect-metadata';
import type { DiscoveryService } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { TenantInterceptor } from '../transport/tenant.interceptor.js';
import type { ResolvedTenancyOptions } from './tenancy-options.interface.js';
import { TenantInterceptorBinder } from './tenant-interceptor.binder.js';

const GATEWAY = 'websockets:is_gateway';
const PATTERN = 'microservices:pattern';
const INTERCEPTORS = '__interceptors__';

/** A TenantInterceptor without its dependencies: the binder only places it, never calls it. */
const interceptor = () => Object.create(TenantInterceptor.prototype) as TenantInterceptor;

const gateway = (interceptors?: unknown[]) => {
  const type = class Gateway {};
  Reflect.defineMetadata(GATEWAY, true, type);
  if (interceptors) Reflect.defineMetadata(INTERCEPTORS, interceptors, type);
  return type;
};

function bind(types: unknown[], globalGuard = true, own = interceptor(), controllers: unknown[] = []) {
  const discovery = {
    getProviders: () => types.map((metatype) => ({ metatype })),
    getControllers: () => controllers.map((metatype) => ({ metatype })),
  } as unknown as DiscoveryService;
  return { binder: new TenantInterceptorBinder(discovery, { globalGuard } as ResolvedTenancyOptions, own), own };
}

const interceptorsOf = (type: object) => Reflect.getOwnMetadata(INTERCEPTORS, type) as unknown[] | undefined;

describe('TenantInterceptorBinder, gateways (Nest 10 and 11 apply no global interceptor to gateways)', () => {
  it("puts the module's interceptor instance on every gateway class, ahead of the gateway's own", () => {
    const userInterceptor = { intercept: () => undefined };
    const [bare, withOwn] = [gateway(), gateway([userInterceptor])];
    const { own } = bind([bare, withOwn]);
    expect(interceptorsOf(bare)).toEqual([own]);
    expect(interceptorsOf(withOwn)).toEqual([own, userInterceptor]);
  });

  it('leaves classes that are not gateways, and non-class providers, alone', () => {
    const controller = class Controller {};
    bind([controller, undefined, 'token']);
    expect(interceptorsOf(controller)).toBeUndefined();
  });

  it('adds nothing where a TenantInterceptor is already applied: the class, a subclass, an instance of another module', () => {
    class OwnTenantInterceptor extends TenantInterceptor {}
    const types = [gateway([TenantInterceptor]), gateway([OwnTenantInterceptor]), gateway([interceptor()])];
    const before = types.map((type) => interceptorsOf(type));
    bind(types);
    expect(types.map((type) => interceptorsOf(type))).toEqual(before);
  });

  it('globalGuard: false leaves every gateway to the app', () => {
    const type = gateway();
    bind([type], false);
    expect(interceptorsOf(type)).toBeUndefined();
  });

  it("takes its interceptor off when the app closes, so the next app in the process binds its own, not the closed one's", () => {
    const userInterceptor = { intercept: () => undefined };
    const [bare, withOwn] = [gateway(), gateway([userInterceptor])];
    const first = bind([bare, withOwn]);
    first.binder.onModuleDestroy();
    expect(interceptorsOf(bare)).toBeUndefined();
    expect(interceptorsOf(withOwn)).toEqual([userInterceptor]);
    const second = bind([bare, withOwn]);
    expect(interceptorsOf(bare)).toEqual([second.own]);
  });

  it('does not undo a change made to the class after it bound', () => {
    const type = gateway();
    const { binder } = bind([type]);
    const later = [{ intercept: () => undefined }];
    Reflect.defineMetadata(INTERCEPTORS, later, type);
    binder.onModuleDestroy();
    expect(interceptorsOf(type)).toBe(later);
  });
});

describe('TenantInterceptorBinder, message handlers (a hybrid app gives them none of its global enhancers)', () => {
  const handlers = () => {
    class Base {
      inherited() {}
    }
    Reflect.defineMetadata(PATTERN, ['base.inherited'], Base.prototype.inherited);
    class Messages extends Base {
      list() {}
      event() {}
      route() {}
    }
    Reflect.defineMetadata(PATTERN, ['products.list'], Messages.prototype.list);
    Reflect.defineMetadata(PATTERN, ['products.changed'], Messages.prototype.event);
    return { Base, Messages };
  };

  it('puts the interceptor on every message and event handler, inherited ones included, and on no HTTP route', () => {
    const { Base, Messages } = handlers();
    const { own } = bind([], true, interceptor(), [Messages]);
    expect(interceptorsOf(Messages.prototype.list)).toEqual([own]);
    expect(interceptorsOf(Messages.prototype.event)).toEqual([own]);
    expect(interceptorsOf(Base.prototype.inherited)).toEqual([own]);
    expect(interceptorsOf(Messages.prototype.route)).toBeUndefined();
    expect(interceptorsOf(Messages)).toBeUndefined();
  });

  it('adds nothing to the handlers of a class that applies a TenantInterceptor itself', () => {
    const { Messages } = handlers();
    Reflect.defineMetadata(INTERCEPTORS, [TenantInterceptor], Messages);
    bind([], true, interceptor(), [Messages]);
    expect(interceptorsOf(Messages.prototype.list)).toBeUndefined();
  });

  it('globalGuard: false adds nothing; closing the app takes it off again', () => {
    const { Messages } = handlers();
    bind([], false, interceptor(), [Messages]);
    expect(interceptorsOf(Messages.prototype.list)).toBeUndefined();
    const { binder } = bind([], true, interceptor(), [Messages]);
    binder.onModuleDestroy();
    expect(interceptorsOf(Messages.prototype.list)).toBeUndefined();
  });
});
