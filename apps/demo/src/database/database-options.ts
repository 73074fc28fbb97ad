import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import { recoverDeadPostgresConnections } from 'nestjs-tenancy';
import type { DemoConfig } from '../config/demo-config.js';
import { DATABASE_TIMEOUTS } from './database-timeouts.js';
import { DEMO_ENTITIES } from './demo-entities.js';

/**
 * SQLite in a local file by default, so `npm start` needs no database server;
 * DATABASE_URL switches to PostgreSQL. Tables are created at start-up: fine
 * for a demo, use migrations in an application.
 */
export function databaseOptions(config: Pick<DemoConfig, 'databaseUrl' | 'sqliteFile' | 'strategy' | 'poolSize'>): TypeOrmModuleOptions {
  if (config.strategy === 'schema' && !config.databaseUrl) {
    throw new Error('the schema strategy needs a PostgreSQL URL (main.ts starts embedded PostgreSQL when DATABASE_URL is unset)');
  }
  // Schema strategy: TypeORM's own start-up synchronize would run before the
  // strategy is bound and put the tenant tables in the shared schema, for
  // TenancyModule to take back; the seeder synchronizes afterwards instead.
  const synchronize = config.strategy === 'row';
  if (config.databaseUrl) {
    // Opt-in pool fix (not tenancy): lost connections and timeouts answer 503 with Retry-After.
    recoverDeadPostgresConnections();
    return {
      type: 'postgres',
      url: config.databaseUrl,
      entities: DEMO_ENTITIES,
      synchronize,
      poolSize: config.poolSize,
      connectTimeoutMS: DATABASE_TIMEOUTS.poolAcquireMs,
      // Session settings sent by pg at connect time, so every pooled connection has them.
      extra: {
        statement_timeout: DATABASE_TIMEOUTS.statementMs,
        lock_timeout: DATABASE_TIMEOUTS.lockMs,
        idle_in_transaction_session_timeout: DATABASE_TIMEOUTS.idleInTransactionMs,
      },
    };
  }
  return {
    type: 'better-sqlite3',
    database: config.sqliteFile,
    entities: DEMO_ENTITIES,
    synchronize,
    timeout: DATABASE_TIMEOUTS.sqliteBusyMs,
  };
}
