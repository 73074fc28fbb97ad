import { ensureBuilt } from '../../demo/support/ensure-built.js';
import { startDemoServer, type DemoServer } from '../../demo/support/demo-server.js';
import { createTestDatabase, dropTestDatabase, postgresUrl } from '../../support/postgres.js';

export const LOAD_JWT_SECRET = 'load-test-secret-of-at-least-32-bytes!!';

export interface LoadServer extends DemoServer {
  /** The server's own PostgreSQL database. */
  database: string;
}

/** The built demo (`node dist/apps/demo/src/main.js`) on a fresh PostgreSQL database, row strategy, loopback. */
export async function startLoadServer(env: Record<string, string> = {}): Promise<LoadServer> {
  await ensureBuilt();
  const database = await createTestDatabase();
  try {
    const server = await startDemoServer({
      DATABASE_URL: postgresUrl(database),
      TENANCY_STRATEGY: 'row',
      JWT_SECRET: LOAD_JWT_SECRET,
      ...env,
    });
    return {
      ...server,
      // The demo prints "localhost"; stay on IPv4 loopback explicitly.
      url: server.url.replace('//localhost', '//127.0.0.1'),
      database,
      async stop() {
        await server.stop();
        await dropTestDatabase(database);
      },
    };
  } catch (error) {
    await dropTestDatabase(database);
    throw error;
  }
}
