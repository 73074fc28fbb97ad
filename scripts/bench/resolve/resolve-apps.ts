import { Controller, Get, Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ClsModule } from 'nestjs-cls';
import { CurrentTenant, JwtTenantResolver, TenancyModule, type TenantResolver } from 'nestjs-tenancy';

export type BenchAdapter = 'express' | 'fastify';
/**
 * `plain`: no TenancyModule at all. `cls-only`: just nestjs-cls' middleware, the
 * context every variant below pays for. The others: TenancyModule defaults
 * (CLS middleware, global guard and interceptor) with one resolver, except
 * `header-no-mw`, where no CLS middleware runs and the guard opens the context.
 */
export type BenchVariant =
  'plain' | 'cls-only' | 'header' | 'header-no-mw' | 'jwt-hs256' | 'jwt-es256' | 'jwt-hs256-nocache' | 'jwt-es256-nocache';
export const VARIANTS: BenchVariant[] = [
  'plain',
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
