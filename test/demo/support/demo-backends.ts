import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, dropTestDatabase, postgresUrl } from '../../support/postgres.js';
import { startDemoServer, type DemoServer } from './demo-server.js';
import { ensureBuilt } from './ensure-built.js';

export const DEMO_JWT_SECRET = 'e2e-secret-0123456789-0123456789-0123456789';

export interface DemoBackend {
  name: string;
  dialect: 'sqlite' | 'postgres';
  /** Environment of the server process, and how to clean up after it. */
  prepare(): Promise<{ env: Record<string, string>; database?: string; cleanup: () => Promise<void> }>;
}

/** The demo's three set-ups: SQLite (row strategy), PostgreSQL row strategy, PostgreSQL schema strategy. */
export const DEMO_BACKENDS: DemoBackend[] = [
  {
    name: 'row strategy on SQLite',
    dialect: 'sqlite',
    async prepare() {
      const dir = await mkdtemp(join(tmpdir(), 'tenancy-demo-'));
      return { env: { SQLITE_FILE: join(dir, 'demo.sqlite') }, cleanup: () => rm(dir, { recursive: true, force: true }) };
    },
  },
  ...(['row', 'schema'] as const).map((strategy): DemoBackend => ({
    name: `${strategy} strategy on PostgreSQL`,
    dialect: 'postgres',
    async prepare() {
      const database = await createTestDatabase();
      return {
        env: { DATABASE_URL: postgresUrl(database), TENANCY_STRATEGY: strategy },
        database,
        cleanup: () => dropTestDatabase(database),
      };
    },
  })),
];

export interface RunningDemo {
  server: DemoServer;
  /** The PostgreSQL database of the server (undefined on SQLite). */
  database?: string;
}

/** The built demo server on a fresh database for the suite; read the fields inside tests. */
export function useDemoServer(backend: DemoBackend, env: Record<string, string> = {}): RunningDemo {
  const running = {} as RunningDemo;
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    await ensureBuilt();
    const prepared = await backend.prepare();
    cleanup = prepared.cleanup;
    running.database = prepared.database;
    running.server = await startDemoServer({ ...prepared.env, JWT_SECRET: DEMO_JWT_SECRET, ...env });
    running.server.url = running.server.url.replace('//localhost', '//127.0.0.1');
  }, 90_000);
  afterAll(async () => {
    await running.server?.stop();
    await cleanup?.();
  });
  return running;
}
