#!/usr/bin/env node
import { readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DataSource } from 'typeorm';
import type { SchemaTenancyManager } from '../schema/schema-tenancy.manager.js';
import { isTenancyErrorCode } from '../errors/tenancy-error.catalogue.js';
import { TenantIsolationError } from '../errors/tenant-isolation.error.js';
import { TenantProvisioningError } from '../errors/tenant-provisioning.error.js';
import type { TenantExport } from '../schema/tenant-export.js';
import { parseCliArguments, USAGE, UsageError, type CliArguments } from './cli-arguments.js';

/**
 * The package's `tenancy` bin. Data (tenant ids) goes to stdout and everything
 * else to stderr, so that `tenancy list | wc -l` counts tenants.
 */
const report = (line: string) => process.stderr.write(`${line}\n`);

/** What a new or restored schema does not give the app: its list of tenants lives in the app's own tables. */
const REGISTER_HINT =
  'Only the tenant schema was written: register the tenant where your app lists its tenants ' +
  '(the table your validateTenant reads, e.g. the demo\'s "organizations" row) before it serves requests.';

async function loadDataSource(path: string | undefined): Promise<DataSource> {
  if (!path) throw new UsageError('--data-source (or TENANCY_DATA_SOURCE) is required.');
  const url = pathToFileURL(isAbsolute(path) ? path : resolve(process.cwd(), path)).href;
  const module = (await import(url)) as { default?: DataSource; dataSource?: DataSource };
  const dataSource = module.dataSource ?? module.default;
  if (!dataSource) throw new Error(`${path} exports no DataSource (default or "dataSource").`);
  return dataSource.isInitialized ? dataSource : dataSource.initialize();
}

async function progressBar(total: number, label: string) {
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} tenants | {duration_formatted} | {tenant}`,
      hideCursor: true,
      stream: process.stderr,
      // Logs and CI are not terminals: still show progress, every few seconds.
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { tenant: '' });
  return bar;
}

async function execute(manager: SchemaTenancyManager, args: CliArguments): Promise<void> {
  const { command, concurrency } = args;
  switch (command.name) {
    case 'help':
      return;
    case 'list':
      for (const id of await manager.listTenantSchemas()) process.stdout.write(`${id}\n`);
      return;
    case 'create':
      for (const id of command.ids) await manager.createTenantSchema(id);
      report(`created ${command.ids.length} tenant schema(s). ${REGISTER_HINT}`);
      return;
    case 'provision': {
      const bar = await progressBar(command.ids.length, 'provision');
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(concurrency, command.ids.length) }, async () => {
          while (next < command.ids.length) {
            const id = command.ids[next++];
            await manager.createTenantSchema(id);
            bar.increment(1, { tenant: id });
          }
        }),
      );
      bar.stop();
      report(`provisioned ${command.ids.length} tenant schema(s). ${REGISTER_HINT}`);
      return;
    }
    case 'drop': {
      // All or nothing: a typo among the ids drops none, and is never counted as dropped.
      const missing = [];
      for (const id of command.ids) if (!(await manager.tenantExists(id))) missing.push(id);
      if (missing.length > 0) {
        throw new TenantIsolationError(
          'TENANT_UNKNOWN',
          `no such tenant: ${missing.join(', ')} (no schema ${missing.map((id) => manager.schemaOf(id)).join(', ')}); nothing dropped. \`tenancy list\` shows the tenants.`,
        );
      }
      for (const id of command.ids) await manager.dropTenantSchema(id);
      report(`dropped ${command.ids.length} tenant schema(s)`);
      return;
    }
    case 'adopt':
      for (const id of command.ids) await manager.adoptTenantSchema(id);
      report(`adopted ${command.ids.length} tenant schema(s)`);
      return;
    case 'migrate': {
      const total = (await manager.listTenantSchemas()).length;
      const bar = await progressBar(total, 'migrate');
      const { migrated, unchanged } = await manager.migrateAll({
        concurrency,
        onProgress: (p) => bar.update(p.done, { tenant: p.tenantId }),
      });
      bar.stop();
      report(`migrated ${migrated} tenant schema(s)${unchanged ? ` (${unchanged} already matched an up-to-date schema's catalog)` : ''}`);
      return;
    }
    case 'export':
      await writeFile(command.out, JSON.stringify(await manager.exportTenant(command.id)));
      report(`exported ${command.id} to ${command.out}`);
      return;
    case 'import': {
      const dump = parseExport(await readFile(command.file, 'utf8'), command.file);
      const as = command.as ?? dump.tenantId;
      await manager.importTenant(dump, as);
      report(`imported ${dump.tenantId} as ${as}. ${REGISTER_HINT}`);
      return;
    }
  }
}

/** The file's JSON; its shape is checked by importTenant, before anything is created. */
function parseExport(text: string, file: string): TenantExport {
  try {
    return JSON.parse(text) as TenantExport;
  } catch (error) {
    throw new TenantProvisioningError(
      'TENANT_IMPORT_INVALID',
      `${file} is not JSON (${error instanceof Error ? error.message : String(error)}); nothing was imported. Pass a file written by \`tenancy export\`.`,
    );
  }
}

async function main(): Promise<void> {
  const args = parseCliArguments(process.argv.slice(2));
  if (args.command.name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const dataSource = await loadDataSource(args.dataSource ?? process.env.TENANCY_DATA_SOURCE);
  const started = process.hrtime.bigint();
  try {
    if (args.command.name === 'citus-status') {
      // Read-only, either strategy: the DataSource is used as the module built it.
      const { citusStatus, formatCitusStatus } = await import('../citus/citus-status.js');
      process.stdout.write(`${formatCitusStatus(await citusStatus(dataSource))}\n`);
    } else {
      // Loaded only now: bad usage is answered without loading TypeORM.
      const [{ enableSchemaTenancy }, { SchemaTenancyManager }] = await Promise.all([
        import('../schema/schema-strategy.installer.js'),
        import('../schema/schema-tenancy.manager.js'),
      ]);
      const config = { prefix: args.prefix, sharedSchema: args.sharedSchema };
      enableSchemaTenancy(dataSource, config);
      await execute(new SchemaTenancyManager(dataSource, config), args);
    }
  } finally {
    await dataSource.destroy();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  report(`${args.command.name}: ${seconds.toFixed(1)} s, peak RSS ${peakMiB.toFixed(0)} MiB`);
}

main().catch((error: unknown) => {
  const usage = error instanceof UsageError;
  // A catalogued code leads the line, so that scripts can tell a refusal from a crash.
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${isTenancyErrorCode(code) ? `${code}: ` : ''}${message}\n${usage ? `\n${USAGE}\n` : ''}`);
  process.exitCode = usage ? 2 : 1;
});
