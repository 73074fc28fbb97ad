import { resolve } from 'node:path';

export type DemoStrategy = 'row' | 'schema';

/** Everything the demo reads from the environment, read once at start-up. */
export interface DemoConfig {
  port: number;
  /** PostgreSQL when set; otherwise SQLite in `sqliteFile`. */
  databaseUrl: string | undefined;
  sqliteFile: string;
  strategy: DemoStrategy;
  jwtSecret: string;
}

/**
 * A fixed development secret, so that `npm run demo:token` and `npm start`
 * agree on a fresh machine with no setup. Any real deployment sets JWT_SECRET.
 */
export const DEV_JWT_SECRET = 'nestjs-tenancy-demo-secret-do-not-use-in-production';

export class DemoConfigError extends Error {
  override readonly name = 'DemoConfigError';
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 5000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new DemoConfigError(`PORT must be a TCP port number (0-65535); got ${JSON.stringify(value)}.`);
  }
  return port;
}

function parseStrategy(value: string | undefined): DemoStrategy {
  if (value === undefined || value === '' || value === 'row') return 'row';
  if (value === 'schema') return 'schema';
  throw new DemoConfigError(`TENANCY_STRATEGY must be 'row' (default) or 'schema'; got ${JSON.stringify(value)}.`);
}

export function loadDemoConfig(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  return {
    port: parsePort(env.PORT),
    databaseUrl: env.DATABASE_URL || undefined,
    sqliteFile: resolve(env.SQLITE_FILE || 'demo.sqlite'),
    strategy: parseStrategy(env.TENANCY_STRATEGY),
    jwtSecret: env.JWT_SECRET || DEV_JWT_SECRET,
  };
}
