import { afterAll, beforeAll } from 'vitest';
import { LoadClient } from './load-client.js';
import { LOAD_JWT_SECRET, startLoadServer, type LoadServer } from './load-server.js';
import { provisionTenants, type LoadTenant } from './load-tenants.js';

export interface LoadFixture {
  server: LoadServer;
  client: LoadClient;
  tenants: LoadTenant[];
}

/**
 * The real demo server with `tenants` provisioned tenants and a client of
 * `concurrency` connections, started before the suite and stopped after it.
 * Read the fields inside tests: they are set in beforeAll.
 */
export function useLoadServer(options: { tenants: number; concurrency: number; env?: Record<string, string> }): LoadFixture {
  const fixture = {} as LoadFixture;
  beforeAll(async () => {
    fixture.server = await startLoadServer(options.env);
    fixture.client = new LoadClient(fixture.server.url, options.concurrency);
    fixture.tenants = await provisionTenants(fixture.server.database, fixture.client, options.tenants, LOAD_JWT_SECRET);
  });
  afterAll(async () => {
    fixture.client?.close();
    await fixture.server?.stop();
  });
  return fixture;
}
