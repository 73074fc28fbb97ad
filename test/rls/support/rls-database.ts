import { randomBytes } from 'node:crypto';
import { createTestDatabase, dropTestDatabase, postgresUrl, superuserQuery } from '../../support/postgres.js';

export interface RlsRole {
  name: string;
  /** Connection URL for this role on the suite's database. */
  url: string;
}

/** A fresh database with an owner (migration) role and an ordinary app role. */
export interface RlsDatabase {
  database: string;
  owner: RlsRole;
  app: RlsRole;
  /** Runs SQL as the server's superuser on this database (setup and inspection only). */
  superuser<T extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

async function createRole(database: string, prefix: string): Promise<RlsRole> {
  // Roles are cluster-wide, unlike the per-suite database: random names keep
  // parallel suites (and a machine-wide server) apart.
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  await superuserQuery('postgres', `CREATE ROLE ${name} LOGIN PASSWORD '${password}' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`);
  const url = new URL(postgresUrl(database));
  url.username = name;
  url.password = password;
  return { name, url: url.toString() };
}

/**
 * The role setup docs/rls.md describes: the owner owns the database (and so
 * the tables it creates); the app role only gets DML rights, through default
 * privileges, so it neither owns a table nor bypasses RLS.
 */
export async function createRlsDatabase(): Promise<RlsDatabase> {
  const database = await createTestDatabase();
  const owner = await createRole(database, 'tenancy_owner');
  const app = await createRole(database, 'tenancy_app');
  const superuser = <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) => superuserQuery<T>(database, sql, params);
  await superuserQuery('postgres', `ALTER DATABASE ${database} OWNER TO ${owner.name}`);
  await superuser(`GRANT USAGE, CREATE ON SCHEMA public TO ${owner.name}`);
  await superuser(`GRANT USAGE ON SCHEMA public TO ${app.name}`);
  await superuser(
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner.name} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app.name}`,
  );
  await superuser(`ALTER DEFAULT PRIVILEGES FOR ROLE ${owner.name} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${app.name}`);
  return {
    database,
    owner,
    app,
    superuser,
    async drop() {
      await dropTestDatabase(database);
      await superuserQuery('postgres', `DROP ROLE IF EXISTS ${app.name}`);
      await superuserQuery('postgres', `DROP ROLE IF EXISTS ${owner.name}`);
    },
  };
}
