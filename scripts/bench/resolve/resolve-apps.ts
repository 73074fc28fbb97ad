import { AsyncLocalStorage } from 'node:async_hooks';
import {
  Controller,
  Get,
  Module,
  type CallHandler,
  type DynamicModule,
  type INestApplication,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ClsModule } from 'nestjs-cls';
import { CurrentTenant, JwtTenantResolver, TenancyModule, type TenantResolver } from 'nestjs-tenancy';

export type BenchAdapter = 'express' | 'fastify';
/**
 * `plain`: no TenancyModule at all. `cls-only`: just nestjs-cls' middleware, the
 * context every variant below pays for. Split into its parts:
 * `enhancers` is the plain app plus the no-op global guard and interceptor that
 * `ClsModule.forRoot` registers whatever it mounts (Nest then runs its guard
 * and interceptor pipeline on every request), and `als-enhancers` the same with
 * each request run inside `AsyncLocalStorage.run` by a one-line middleware.
 * The others: TenancyModule defaults (CLS middleware, global guard and
 * interceptor) with one resolver, except `header-no-mw`, where no CLS
 * middleware runs and the guard opens the context.
 */
export type BenchVariant =
  | 'plain'
  | 'enhancers'
  | 'als-enhancers'
  | 'cls-only'
  | 'header'
  | 'header-no-mw'
  | 'jwt-hs256'
  | 'jwt-es256'
  | 'jwt-hs256-nocache'
  | 'jwt-es256-nocache';
export const VARIANTS: BenchVariant[] = [
  'plain',
  'enhancers',
  'als-enhancers',
  'cls-only',
  'header',
  'header-no-mw',
  'jwt-hs256',
  'jwt-es256',
  'jwt-hs256-nocache',
  'jwt-es256-nocache',
];

@Controller('ping')
class PlainController {
  @Get()
  ping() {
    return { ok: true };
  }
}

@Controller('ping')
class TenantController {
  @Get()
  ping(@CurrentTenant() tenant: string) {
    return { ok: true, tenant };
  }
}

/** Runs the rest of each request inside a fresh AsyncLocalStorage store, and nothing else. */
@Module({})
class AlsModule implements NestModule {
  private readonly storage = new AsyncLocalStorage<object>();
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply((_req: unknown, _res: unknown, next: () => void) => this.storage.run({}, next)).forRoutes(PlainController);
  }
}

export interface BenchKeys {
  secret: string;
  publicPem: string;
}

function resolvers(variant: BenchVariant, keys: BenchKeys): TenantResolver[] | undefined {
  // `-nocache`: every request pays the signature check, as every client sending a new token would.
  const claims = { issuer: 'bench', audience: 'bench', ...(variant.endsWith('-nocache') ? { verifiedTokenCache: false as const } : {}) };
  if (variant.startsWith('jwt-hs256')) return [new JwtTenantResolver({ secret: keys.secret, ...claims })];
  if (variant.startsWith('jwt-es256')) return [new JwtTenantResolver({ publicKey: keys.publicPem, ...claims })];
  return undefined;
}

function rootModule(variant: BenchVariant, keys: BenchKeys): DynamicModule {
  @Module({})
  class BenchModule {}
  if (variant === 'plain') return { module: BenchModule, controllers: [PlainController] };
  if (variant === 'enhancers' || variant === 'als-enhancers') {
    return {
      module: variant === 'enhancers' ? BenchModule : AlsModule,
      controllers: [PlainController],
      // The same no-op pair nestjs-cls' ClsRootModule provides when its guard and interceptor are not mounted.
      providers: [
        { provide: APP_GUARD, useValue: { canActivate: () => true } },
        { provide: APP_INTERCEPTOR, useValue: { intercept: (_context: unknown, next: CallHandler) => next.handle() } },
      ],
    };
  }
  if (variant === 'cls-only') {
    return {
      module: BenchModule,
      imports: [ClsModule.forRoot({ global: true, middleware: { mount: true } })],
      controllers: [PlainController],
    };
  }
  if (variant === 'header-no-mw') {
    return {
      module: BenchModule,
      imports: [ClsModule.forRoot({ global: true }), TenancyModule.forRoot({ registerClsModule: false })],
      controllers: [TenantController],
    };
  }
  return {
    module: BenchModule,
    imports: [TenancyModule.forRoot({ resolvers: resolvers(variant, keys) })],
    controllers: [TenantController],
  };
}

/** The same one-route app in every variant; no database, so that only resolution differs. */
export async function startBenchApp(adapter: BenchAdapter, variant: BenchVariant, keys: BenchKeys): Promise<INestApplication> {
  const http = adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  const app = await NestFactory.create(rootModule(variant, keys), http, { logger: false });
  await app.listen(0, '127.0.0.1');
  return app;
}
