import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Controller,
  Get,
  Injectable,
  Query,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type PipeTransform,
} from '@nestjs/common';
import { ClsModule, ClsServiceManager } from 'nestjs-cls';
import { tap } from 'rxjs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CurrentTenant, getCurrentTenant, TenantOptional } from 'nestjs-tenancy';
import { createHttpApp, TARGETS, type HttpTestApp } from './support/http-app.js';

/** What each stage of the pipeline saw as the current tenant. */
type Seen = Record<string, string | undefined>;

@Injectable()
class RecordingInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler) {
    const before = getCurrentTenant();
    return next
      .handle()
      .pipe(
        tap(
          (body: { seen?: Seen }) =>
            body.seen && Object.assign(body.seen, { interceptorBefore: before, interceptorAfter: getCurrentTenant() }),
        ),
      );
  }
}

@Injectable()
class RecordingPipe implements PipeTransform {
  transform(value: unknown) {
    return { value, tenant: getCurrentTenant() };
  }
}

@Controller('stages')
@UseInterceptors(RecordingInterceptor)
class StagesController {
  @Get()
  async stages(@Query('x', RecordingPipe) piped: { tenant: string | undefined }, @CurrentTenant() param: string | undefined) {
    const seen: Seen = { pipe: piped.tenant, param, handler: getCurrentTenant() };
    await sleep(2);
    seen.afterAwait = getCurrentTenant();
    // Work the handler starts and awaits later keeps the request's tenant.
    const started = (async () => {
      await sleep(3);
      return getCurrentTenant();
    })();
    seen.startedWork = await started;
    return { seen };
  }

  @Get('optional')
  @TenantOptional()
  optional() {
    return { tenant: getCurrentTenant() ?? null };
  }

  @Get('cls')
  cls() {
    return { tenant: getCurrentTenant(), requestId: ClsServiceManager.getClsService().get<string>('requestId') ?? null };
  }
}

const setups = [
  { name: "TenancyModule's own ClsModule (middleware)", tenancyExtras: {}, imports: [] },
  {
    name: 'no CLS context before the guard (registerClsModule: false, no middleware)',
    tenancyExtras: { registerClsModule: false },
    imports: [ClsModule.forRoot({ global: true })],
  },
  {
    name: "the app's own ClsModule middleware (registerClsModule: false)",
    tenancyExtras: { registerClsModule: false },
    imports: [ClsModule.forRoot({ global: true, middleware: { mount: true, setup: (cls) => cls.set('requestId', 'r-1') } })],
  },
];

describe.each(TARGETS)('the tenant holds for the whole request on $name', (target) => {
  describe.each(setups)('$name', (setup) => {
    let t: HttpTestApp;

    beforeAll(async () => {
      t = await createHttpApp(target, { controllers: [StagesController], imports: setup.imports, tenancyModule: setup.tenancyExtras });
    });
    afterAll(() => t?.close());

    it('interceptors, pipes, @CurrentTenant, the handler and awaited work all see the tenant', async () => {
      const res = await request(t.server).get('/stages?x=1').set('x-tenant-id', 'acme').expect(200);
      expect(res.body.seen).toEqual({
        interceptorBefore: 'acme',
        interceptorAfter: 'acme',
        pipe: 'acme',
        param: 'acme',
        handler: 'acme',
        afterAwait: 'acme',
        startedWork: 'acme',
      });
    });

    it('the context ends with the request: the next request on the same connection starts empty', async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        await request(t.server).get('/stages').agent(agent).set('x-tenant-id', 'acme').expect(200);
        const next = await request(t.server).get('/stages/optional').agent(agent).expect(200);
        expect(next.body).toEqual({ tenant: null });
      } finally {
        agent.destroy();
      }
    });

    it("the guard joins a store the app's CLS middleware opened, keeping its values", async () => {
      const res = await request(t.server).get('/stages/cls').set('x-tenant-id', 'acme').expect(200);
      const own = setup.imports.length > 0 && setup.name.includes('own ClsModule middleware');
      expect(res.body).toEqual({ tenant: 'acme', requestId: own ? 'r-1' : null });
    });

    it('concurrent requests each keep their own tenant through every stage', async () => {
      const tenants = Array.from({ length: 40 }, (_, i) => `c${i % 8}`);
      const results = await Promise.all(tenants.map((id) => request(t.server).get('/stages').set('x-tenant-id', id)));
      results.forEach((res, i) => expect(new Set(Object.values(res.body.seen))).toEqual(new Set([tenants[i]])));
    });
  });
});
