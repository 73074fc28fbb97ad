import { join } from 'node:path';
import type { DemoConfig } from '../config/demo-config.js';
// The repository's one PostgreSQL starter, shared with the tests and the benchmarks.
import { startEmbeddedPostgres } from '../../../../support/postgres-server.js';

export interface ResolvedDatabase {
  config: DemoConfig;
  /** For the start-up log line. */
  description: string;
}

/** The schema strategy needs PostgreSQL: with no DATABASE_URL, one is started in-process. */
export async function resolveDatabase(config: DemoConfig, log: (line: string) => void): Promise<ResolvedDatabase> {
  if (config.databaseUrl) return { config, description: 'PostgreSQL (DATABASE_URL)' };
  if (config.strategy === 'row') return { config, description: `SQLite file ${config.sqliteFile}` };
  const embedded = await startEmbeddedPostgres({ dataDir: join(config.embeddedPostgresDir, 'data'), log });
  return { config: { ...config, databaseUrl: embedded.url }, description: `embedded PostgreSQL in ${config.embeddedPostgresDir}` };
}
