import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { TenantAuditEvent } from 'nestjs-tenancy';
import { AppModule } from '../app.module.js';
import { loadDemoConfig } from '../config/demo-config.js';
import { Narrator } from './narrator.js';
import { runWalkthrough } from './walkthrough.js';
import { WalkthroughFailure } from './walkthrough-failure.js';

/**
 * `npm run demo`: the command-line walk-through. It always runs on a fresh
 * in-memory SQLite database so that every run starts from the same state and
 * never touches the server's data.
 */
async function main(): Promise<number> {
  const out = new Narrator();
  const config = { ...loadDemoConfig(), databaseUrl: undefined, sqliteFile: ':memory:', strategy: 'row' as const, citus: false };
  const audit = {
    record: (event: TenantAuditEvent) =>
      out.line(
        `audit: tenant filter bypassed, reason="${event.reason ?? '(none)'}", from tenant=${event.tenantId ?? '(none)'}, at ${event.at.toISOString()}`,
      ),
  };
  const app = await NestFactory.createApplicationContext(AppModule.register(config, { audit }), { logger: ['error', 'warn'] });
  try {
    out.title('nestjs-tenancy: row-level multi-tenancy walk-through (SQLite in memory)');
    await runWalkthrough(app, out);
    console.log('\nIsolation held at every step.');
    return 0;
  } catch (error) {
    if (!(error instanceof WalkthroughFailure)) throw error;
    console.error(`\nDEMO FAILED: ${error.message}`);
    return 1;
  } finally {
    await app.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
