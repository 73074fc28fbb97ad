import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import type { DemoConfig } from '../config/demo-config.js';
import { DEMO_ENTITIES } from './demo-entities.js';

/**
 * SQLite in a local file by default, so `npm start` needs no database server;
 * DATABASE_URL switches to PostgreSQL. `synchronize` creates the tables on
 * first start: fine for a demo, use migrations in an application.
 */
export function databaseOptions(config: Pick<DemoConfig, 'databaseUrl' | 'sqliteFile'>): TypeOrmModuleOptions {
  if (config.databaseUrl) {
    return { type: 'postgres', url: config.databaseUrl, entities: DEMO_ENTITIES, synchronize: true };
  }
  return { type: 'better-sqlite3', database: config.sqliteFile, entities: DEMO_ENTITIES, synchronize: true };
}
