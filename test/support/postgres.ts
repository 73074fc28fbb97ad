import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createCitusDatabase, dropCitusDatabase } from '../../support/citus.js';
import { onCitus } from './citus.js';

export function postgresUrl(database?: string): string {
  const url = new URL(inject('postgresUrl'));
  if (database) url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh database per suite, so suites run in parallel without sharing tables. */
export async function createTestDatabase(): Promise<string> {
  const name = `tenancy_${randomBytes(6).toString('hex')}`;
  if (onCitus) {
    await createCitusDatabase(postgresUrl(), name);
    return name;
  }
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  return name;
}

export async function dropTestDatabase(name: string): Promise<void> {
  if (onCitus) return dropCitusDatabase(postgresUrl(), name);
  await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** Runs SQL as the server's superuser against one database (setup and assertions only). */
export async function superuserQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(
  database: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: postgresUrl(database) });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** The tables of one schema of a test database, by name. */
export async function tablesIn(database: string, schema: string): Promise<string[]> {
  const rows = await superuserQuery<{ table_name: string }>(
    database,
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`,
    [schema],
  );
  return rows.map((row) => row.table_name);
}
