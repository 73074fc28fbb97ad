import { createServer, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/**
 * The same app served by an HTTP server of its own (as serverless wrappers and
 * `http.createServer(expressApp)` do), which the library cannot hook: there the
 * guard's own-store check alone keeps one request's tenant out of the context
 * the previous request left on the connection.
 */
export async function listenOnOwnServer(app: INestApplication): Promise<{ url: string; close(): Promise<void> }> {
  const instance = app.getHttpAdapter().getInstance() as RequestListener | { routing: RequestListener };
  const handler: RequestListener = typeof instance === 'function' ? instance : (req, res) => instance.routing(req, res);
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
