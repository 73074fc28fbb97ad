import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../demo/support/ensure-built.js';
import { runNode } from '../demo/support/run-node.js';
import { onCitus } from '../support/citus.js';
import { createTestDatabase, dropTestDatabase, postgresUrl } from '../support/postgres.js';

/** The package's `bin`, as `npm run tenancy --` and a consumer's `npx tenancy` run it. */
const CLI = 'libs/tenancy/dist/cli/tenancy-cli.js';
/** A compiled module exporting a DataSource (schema strategy entities), as an app would pass. */
const DATA_SOURCE = 'dist/scripts/bench/schema-data-source.js';

// Each case spawns the CLI a few times, and each run loads TypeORM and connects: seconds apiece on a busy machine.
describe('tenancy CLI (schema strategy, PostgreSQL)', { timeout: 180_000 }, () => {
  let database: string;
  let scratch: string;
  const tenancy = (...args: string[]) =>
    runNode(CLI, args, { BENCH_DATABASE_URL: postgresUrl(database), TENANCY_DATA_SOURCE: DATA_SOURCE });

  beforeAll(async () => {
    await ensureBuilt();
    database = await createTestDatabase();
    scratch = await mkdtemp(join(tmpdir(), 'tenancy-cli-'));
  }, 120_000);
  afterAll(async () => {
    await dropTestDatabase(database);
    await rm(scratch, { recursive: true, force: true });
  });

  it('with no command prints the usage and exits 0', async () => {
    const { code, stdout } = await tenancy();
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: tenancy <command>');
  });

  it.each([['create'], ['drop']])('%s with no tenant id exits 2 with the usage, touching nothing', async (command) => {
    const { code, stdout, stderr } = await tenancy(command);
    expect(code).toBe(2);
    expect(stderr).toContain(`${command} needs at least one tenant id`);
    expect(stderr).toContain('Usage: tenancy <command>');
    expect(stdout).toBe('');
  });

  it.each([['0'], ['-1'], ['1.5'], ['4x'], ['']])('migrate --concurrency %j is refused before connecting', async (value) => {
    const { code, stderr } = await runNode(CLI, ['migrate', `--concurrency=${value}`], { TENANCY_DATA_SOURCE: '/nonexistent.js' });
    expect(code).toBe(2);
    expect(stderr).toContain(`--concurrency must be a positive integer (1 to 999999), got "${value}"`);
  });

  it('provision --count 0 is refused', async () => {
    const { code, stderr } = await tenancy('provision', '--count', '0');
    expect(code).toBe(2);
    expect(stderr).toContain('--count must be a positive integer');
  });

  it('create, then list: stdout holds only the tenant ids, so it pipes cleanly', async () => {
    const created = await tenancy('create', 'cli_a', 'cli_b');
    expect(created.code).toBe(0);
    expect(created.stdout).toBe('');
    expect(created.stderr).toContain('created 2 tenant schema(s)');
    expect(created.stderr).toContain('"organizations"');
    const listed = await tenancy('list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toBe('cli_a\ncli_b\n');
    expect(listed.stderr).toMatch(/^list: [\d.]+ s, peak RSS \d+ MiB$/m);
  });

  it('drop of a tenant that does not exist says so, exits 1 and drops nothing', async () => {
    await tenancy('create', 'cli_keep');
    const { code, stderr } = await tenancy('drop', 'no_such', 'cli_keep');
    expect(code).toBe(1);
    expect(stderr).toContain('TENANT_UNKNOWN: no such tenant: no_such (no schema tenant_no_such); nothing dropped.');
    expect(stderr).not.toContain('dropped 1');
    expect((await tenancy('list')).stdout).toContain('cli_keep\n');
  });

  it('drop of an existing tenant drops its schema', async () => {
    await tenancy('create', 'cli_gone');
    const dropped = await tenancy('drop', 'cli_gone');
    expect(dropped.code).toBe(0);
    expect(dropped.stderr).toContain('dropped 1 tenant schema(s)');
    expect((await tenancy('list')).stdout).not.toContain('cli_gone');
  });

  it('migrate with a valid --concurrency migrates every schema', async () => {
    const { code, stdout, stderr } = await tenancy('migrate', '--concurrency', '2');
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/migrated \d+ tenant schema\(s\)/);
  });

  it('export then import under a new id, which says what the app must still register', async () => {
    const file = join(scratch, 'cli_a.json');
    const exported = await tenancy('export', 'cli_a', '--out', file);
    expect(exported.code).toBe(0);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ format: 'nestjs-tenancy/tenant-export', tenantId: 'cli_a' });
    const imported = await tenancy('import', file, '--as', 'cli_c');
    expect(imported.code).toBe(0);
    expect(imported.stderr).toContain('imported cli_a as cli_c');
    expect(imported.stderr).toContain('register the tenant where your app lists its tenants');
    expect((await tenancy('list')).stdout).toContain('cli_c\n');
  });

  it('import into a tenant that exists is refused with its code, exits 1 and merges nothing', async () => {
    const file = join(scratch, 'cli_a.json');
    const { code, stderr } = await tenancy('import', file, '--as', 'cli_c');
    expect(code).toBe(1);
    expect(stderr).toMatch(/^TENANT_SCHEMA_EXISTS: Tenant "cli_c" already exists; nothing was imported\./m);
    expect(stderr).not.toContain('imported cli_a');
  });

  it.each([
    ['not JSON', 'tenant_id,name\ncli_a,Acme\n'],
    ['JSON but not an export', JSON.stringify({ tenantId: 'x', tables: [] })],
  ])('import of a file that is %s is TENANT_IMPORT_INVALID, exits 1 and creates no tenant', async (_name, content) => {
    const file = join(scratch, 'damaged.json');
    await writeFile(file, content);
    const { code, stderr } = await tenancy('import', file, '--as', 'cli_damaged');
    expect(code).toBe(1);
    expect(stderr).toMatch(/^TENANT_IMPORT_INVALID: .*nothing was imported/m);
    expect((await tenancy('list')).stdout).not.toContain('cli_damaged');
  });
});

/** `tenancy citus status` on a server without Citus (the Citus side runs in test/citus/citus-cli.citus.ts). */
describe('tenancy citus status without Citus', { timeout: 120_000 }, () => {
  const CITUS_DATA_SOURCE = 'dist/scripts/bench/citus-data-source.js';
  let database: string;

  beforeAll(async () => {
    await ensureBuilt();
    database = await createTestDatabase();
  }, 120_000);
  afterAll(() => dropTestDatabase(database));

  it.each([[['citus']], [['citus', 'move']], [['citus', 'status', 'extra']]])('%j is bad usage: exit 2, nothing loaded', async (args) => {
    const { code, stderr } = await runNode(CLI, args, { TENANCY_DATA_SOURCE: '/nonexistent.js' });
    expect(code).toBe(2);
    expect(stderr).toContain('citus takes one subcommand, status');
  });

  it.skipIf(onCitus)('on a database without the extension exits 1 naming the fix', async () => {
    const { code, stdout, stderr } = await runNode(CLI, ['citus', 'status', '--data-source', CITUS_DATA_SOURCE], {
      BENCH_DATABASE_URL: postgresUrl(database),
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      `citusStatus needs the Citus extension, which database "${database}" does not have. Run CREATE EXTENSION citus`,
    );
  });
});
