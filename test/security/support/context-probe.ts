import type { ServerResponse } from 'node:http';
import {
  Module,
  RequestMethod,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { getCurrentTenant, isTenantFilterBypassed } from 'nestjs-tenancy';

/** The context a stage of the request runs in, e.g. `none`, `a`, `none+bypass`. */
export function contextLabel(): string {
  return `${getCurrentTenant() ?? 'none'}${isTenantFilterBypassed() ? '+bypass' : ''}`;
}

/** Express hands over a ServerResponse, Fastify a reply wrapping one (middleware get the raw one on both). */
function rawResponse(res: unknown): ServerResponse {
  return ((res as { raw?: ServerResponse }).raw ?? res) as ServerResponse;
}

/**
 * Application code that runs before the tenant guard: a middleware on every
 * path (404s included) and a global guard registered ahead of the library's.
 * Each reports the context it saw in a response header, so a test can tell
 * whether a request started with a context left over from the previous one.
 */
export function probeMiddleware(_req: unknown, res: unknown, next: () => void): void {
  rawResponse(res).setHeader('x-probe-middleware', contextLabel());
  next();
}

export class ProbeGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    rawResponse(context.switchToHttp().getResponse()).setHeader('x-probe-guard', contextLabel());
    return true;
  }
}

/** A route registered on the HTTP adapter itself: no Nest guard, interceptor or filter ever runs for it. */
export function registerPlainRoute(app: INestApplication): void {
  const adapter = app.getHttpAdapter();
  adapter.get('/plain', (_req: unknown, res: unknown) => adapter.reply(res, { context: contextLabel() }, 200));
}

@Module({})
export class ContextProbeModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(probeMiddleware).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }
}
