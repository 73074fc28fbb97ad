import { resolve } from 'node:path';

export type DemoStrategy = 'row' | 'schema';

/** Everything the demo reads from the environment, read once at start-up. */
export interface DemoConfig {
  port: number;
  /** PostgreSQL when set; otherwise SQLite in `sqliteFile` (row strategy) or embedded PostgreSQL (schema strategy). */
  databaseUrl: string | undefined;
  sqliteFile: string;
  /** Where the schema strategy keeps its embedded PostgreSQL cluster when no DATABASE_URL is given. */
  embeddedPostgresDir: string;
  strategy: DemoStrategy;
  /**
   * TENANCY_CITUS=1: DATABASE_URL is a Citus coordinator. Row strategy: tables get tenant-keyed
   * keys and are distributed at start-up; schema strategy: each tenant schema is a distributed schema.
   */
  citus: boolean;
  jwtSecret: string;
  /** PostgreSQL connection pool size (POOL_SIZE); unset keeps TypeORM's default of 10. */
  poolSize?: number;
  /**
   * PostgreSQL connections one tenant may hold at once (TENANT_MAX_CONNECTIONS,
   * the library's tenantConcurrency.max); unset is half the pool, 0 turns the limit off.
   */
  tenantMaxConnections?: number;
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

function parseDatabaseUrl(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^postgres(ql)?:\/\//.test(value)) {
    throw new DemoConfigError('DATABASE_URL must be a PostgreSQL URL (postgres://user:password@host:5432/db); leave it unset for SQLite.');
  }
  return value;
}

function parseCitus(value: string | undefined, databaseUrl: string | undefined): boolean {
  if (value === undefined || value === '' || value === '0') return false;
  if (value !== '1') throw new DemoConfigError(`TENANCY_CITUS must be 1 (on) or 0 (off); got ${JSON.stringify(value)}.`);
  if (!databaseUrl) throw new DemoConfigError('TENANCY_CITUS=1 needs DATABASE_URL pointing at a Citus coordinator.');
  return true;
}

function parseJwtSecret(value: string | undefined): string {
  if (value === undefined || value === '') return DEV_JWT_SECRET;
  // HS256 with a shorter secret can be brute-forced; the library refuses it too, less readably.
  if (Buffer.byteLength(value) < 32) throw new DemoConfigError('JWT_SECRET must be at least 32 bytes long.');
  return value;
}

function parsePoolSize(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1) throw new DemoConfigError(`POOL_SIZE must be a positive integer; got ${JSON.stringify(value)}.`);
  return size;
}

function parseTenantMaxConnections(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const max = Number(value);
  if (!Number.isInteger(max) || max < 0) {
    throw new DemoConfigError(`TENANT_MAX_CONNECTIONS must be an integer >= 0 (0 turns the limit off); got ${JSON.stringify(value)}.`);
  }
  return max;
}

function sqliteFile(value: string | undefined): string {
  if (value === ':memory:') return value;
  // Absolute, so the start-up log says exactly which file holds the data.
  return resolve(value || 'demo.sqlite');
}

export function loadDemoConfig(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  const databaseUrl = parseDatabaseUrl(env.DATABASE_URL);
  return {
    port: parsePort(env.PORT),
    databaseUrl,
    sqliteFile: sqliteFile(env.SQLITE_FILE),
    embeddedPostgresDir: resolve(env.EMBEDDED_POSTGRES_DIR || '.tmp/demo-postgres'),
    strategy: parseStrategy(env.TENANCY_STRATEGY),
    citus: parseCitus(env.TENANCY_CITUS, databaseUrl),
    jwtSecret: parseJwtSecret(env.JWT_SECRET),
    poolSize: parsePoolSize(env.POOL_SIZE),
    tenantMaxConnections: parseTenantMaxConnections(env.TENANT_MAX_CONNECTIONS),
  };
}
