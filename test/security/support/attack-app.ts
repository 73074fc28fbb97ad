import { APP_GUARD } from '@nestjs/core';
import { ClsModule } from 'nestjs-cls';
import { HeaderTenantResolver, JwtTenantResolver, PathTenantResolver } from 'nestjs-tenancy';
import { createHttpApp, type HttpTestApp, type Target } from '../../http/support/http-app.js';
import { AUDIENCE, HS_SECRET, ISSUER } from '../../http/support/tokens.js';
import { AttackAdminController } from './attack-admin.controller.js';
import { AttackContextController } from './attack-context.controller.js';
import { AttackHealthController } from './attack-health.controller.js';
import { AttackProductsController } from './attack-products.controller.js';
import { AttackTenantPathController } from './attack-tenant-path.controller.js';
import { ContextProbeModule, listenOnOwnServer, ProbeGuard, registerPlainRoute } from './context-probe.js';
import { HandlerLog } from './handler-log.js';

/** Active tenants; `z` exists (it has rows) but is suspended. */
export const ACTIVE_TENANTS = ['a', 'b'];
export const SEED = { a: ['A1', 'A2'], b: ['B1', 'B2'], z: ['Z1'] };

export interface AttackApp extends HttpTestApp {
  log: HandlerLog;
  /** Base URL of the same app on a server of its own, which the library does not hook (see listenOnOwnServer). */
  ownServer: string;
}

/**
 * The target of the HTTP attacks: a verified JWT (HS256, issuer and audience
 * checked) that the header may only pick within, the header, the tenant in
 * the path, validateTenant against the active tenants, and admin-only bypass.
 * No CLS middleware: the guard opens each request's context itself, so the
 * library alone keeps requests apart (including on a kept-alive socket).
 */
export async function createAttackApp(target: Target): Promise<AttackApp> {
  const app = await createHttpApp(target, {
    controllers: [
      AttackProductsController,
      AttackTenantPathController,
      AttackAdminController,
      AttackContextController,
      AttackHealthController,
    ],
    // The app's own global guard, registered in the root module: it runs before the library's.
    providers: [HandlerLog, { provide: APP_GUARD, useClass: ProbeGuard }],
    imports: [ClsModule.forRoot({ global: true }), ContextProbeModule],
    tenancyModule: { registerClsModule: false },
    configure: registerPlainRoute,
    tenancy: {
      // The path before the header: were conflicting sources not refused, the header (later) would win.
      resolvers: [
        new JwtTenantResolver({ secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE }),
        new PathTenantResolver(),
        new HeaderTenantResolver(),
      ],
      validateTenant: (tenantId) => ACTIVE_TENANTS.includes(tenantId),
      canBypass: ({ principal }) => principal?.claims.role === 'admin',
      audit: { record: () => undefined },
    },
  });
  const own = await listenOnOwnServer(app.app);
  return {
    ...app,
    log: app.app.get(HandlerLog),
    ownServer: own.url,
    async close() {
      await own.close();
      await app.close();
    },
  };
}
