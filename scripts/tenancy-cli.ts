import { readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import type { DataSource } from 'typeorm';
import { enableSchemaTenancy, SchemaTenancyManager, type TenantExport } from 'nestjs-tenancy';

const USAGE = `Usage: npm run tenancy -- <command> [options]

Commands (schema strategy, PostgreSQL):
  list                          tenant ids that have a schema
  create <tenantId...>          create tenant schemas and their tables
  provision --count N           create N tenants named <name-prefix>0001...
  drop <tenantId...>            drop tenant schemas (CASCADE)
  adopt <tenantId...>           mark existing schemas as tenants' (created before schemas were marked)
  migrate [--concurrency N]     bring every tenant schema up to the entities
  export <tenantId> --out F     write one tenant's rows to a JSON file
  import <file> [--as id]       restore an export, under a new tenant id if given

Options:
  --data-source <module>        compiled module exporting a TypeORM DataSource
                                (default export or "dataSource"; env TENANCY_DATA_SOURCE)
  --prefix <p>                  schema prefix (default tenant_)
  --shared-schema <s>           shared schema (default public)`;

async function loadDataSource(path: string | undefined): Promise<DataSource> {
  if (!path) throw new Error(`--data-source (or TENANCY_DATA_SOURCE) is required.\n\n${USAGE}`);
  const url = pathToFileURL(isAbsolute(path) ? path : resolve(process.cwd(), path)).href;
  const module = (await import(url)) as { default?: DataSource; dataSource?: DataSource };
  const dataSource = module.dataSource ?? module.default;
  if (!dataSource) throw new Error(`${path} exports no DataSource (default or "dataSource").`);
  return dataSource.isInitialized ? dataSource : dataSource.initialize();
}

function progressBar(total: number, label: string) {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} tenants | {duration_formatted} | {tenant}`,
      hideCursor: true,
      // Logs and CI are not terminals: still show progress, every few seconds.
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { tenant: '' });
  return bar;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'data-source': { type: 'string' },
      prefix: { type: 'string', default: 'tenant_' },
      'shared-schema': { type: 'string', default: 'public' },
      concurrency: { type: 'string', default: '4' },
      count: { type: 'string' },
      'name-prefix': { type: 'string', default: 't' },
      out: { type: 'string' },
      as: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...args] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  const dataSource = await loadDataSource(values['data-source'] ?? process.env.TENANCY_DATA_SOURCE);
  const config = { prefix: values.prefix, sharedSchema: values['shared-schema'] };
  enableSchemaTenancy(dataSource, config);
  const manager = new SchemaTenancyManager(dataSource, config);
  const concurrency = Number(values.concurrency);
  const started = process.hrtime.bigint();
  try {
    switch (command) {
      case 'list':
        for (const id of await manager.listTenantSchemas()) console.log(id);
        break;
      case 'create':
        for (const id of args) await manager.createTenantSchema(id);
        console.log(`created ${args.length} tenant schema(s)`);
        break;
      case 'provision': {
        const count = Number(values.count);
        if (!Number.isInteger(count) || count < 1) throw new Error('provision needs --count N (a positive integer).');
        const ids = Array.from({ length: count }, (_, i) => `${values['name-prefix']}${String(i + 1).padStart(4, '0')}`);
        const bar = progressBar(count, 'provision');
        let next = 0;
        await Promise.all(
          Array.from({ length: Math.min(concurrency, count) }, async () => {
            while (next < ids.length) {
              const id = ids[next++];
              await manager.createTenantSchema(id);
              bar.increment(1, { tenant: id });
            }
          }),
        );
        bar.stop();
        break;
      }
      case 'drop':
        for (const id of args) await manager.dropTenantSchema(id);
        console.log(`dropped ${args.length} tenant schema(s)`);
        break;
      case 'adopt':
        for (const id of args) await manager.adoptTenantSchema(id);
        console.log(`adopted ${args.length} tenant schema(s)`);
        break;
      case 'migrate': {
        const total = (await manager.listTenantSchemas()).length;
        const bar = progressBar(total, 'migrate');
        const { migrated } = await manager.migrateAll({ concurrency, onProgress: (p) => bar.update(p.done, { tenant: p.tenantId }) });
        bar.stop();
        console.log(`migrated ${migrated} tenant schema(s)`);
        break;
      }
      case 'export': {
        if (!args[0] || !values.out) throw new Error('export needs <tenantId> and --out <file>.');
        await writeFile(values.out, JSON.stringify(await manager.exportTenant(args[0])));
        console.log(`exported ${args[0]} to ${values.out}`);
        break;
      }
      case 'import': {
        if (!args[0]) throw new Error('import needs <file>.');
        const dump = JSON.parse(await readFile(args[0], 'utf8')) as TenantExport;
        await manager.importTenant(dump, values.as);
        console.log(`imported ${dump.tenantId} as ${values.as ?? dump.tenantId}`);
        break;
      }
      default:
        throw new Error(`Unknown command "${command}".\n\n${USAGE}`);
    }
  } finally {
    await dataSource.destroy();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  console.log(`${command}: ${seconds.toFixed(1)} s, peak RSS ${peakMiB.toFixed(0)} MiB`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
