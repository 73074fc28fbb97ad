import { parseArgs } from 'node:util';

export const USAGE = `Usage: tenancy <command> [options]        (in this repository: npm run tenancy -- <command> ...)

Commands (schema strategy, PostgreSQL):
  list                          tenant ids that have a schema, one a line (stdout)
  create <tenantId...>          create tenant schemas and their tables
  provision --count N           create N tenants named <name-prefix>0001...
  drop <tenantId...>            drop tenant schemas (CASCADE); refuses ids that have none
  adopt <tenantId...>           mark existing schemas as tenants' (created before schemas were marked)
  migrate [--concurrency N]     bring every tenant schema up to the entities
  export <tenantId> --out F     write one tenant's rows to a JSON file
  import <file> [--as id]       restore an export, under a new tenant id if given

Commands (Citus, row or schema strategy):
  citus status                  nodes, distributed and reference tables with their shard
                                placements per node, tenant tables not yet distributed (stdout)

Options:
  --data-source <module>        compiled module exporting a TypeORM DataSource
                                (default export or "dataSource"; env TENANCY_DATA_SOURCE)
  --prefix <p>                  schema prefix (default tenant_)
  --shared-schema <s>           shared schema (default public)
  --concurrency <N>             schemas worked on at once, a positive integer (default 4)
  --name-prefix <p>             provision: tenant id prefix (default t)

Data (tenant ids) goes to stdout; progress, summaries and timings go to stderr.
Exit status: 0 done, 1 failed, 2 bad usage.`;

/** Bad command-line use: the CLI prints the message and the usage, and exits 2. */
export class UsageError extends Error {}

export type CliCommand =
  | { name: 'help' }
  | { name: 'list' }
  | { name: 'create'; ids: string[] }
  | { name: 'provision'; ids: string[] }
  | { name: 'drop'; ids: string[] }
  | { name: 'adopt'; ids: string[] }
  | { name: 'migrate' }
  | { name: 'export'; id: string; out: string }
  | { name: 'import'; file: string; as?: string }
  | { name: 'citus-status' };

export interface CliArguments {
  command: CliCommand;
  dataSource?: string;
  prefix: string;
  sharedSchema: string;
  concurrency: number;
}

const OPTIONS = {
  'data-source': { type: 'string' },
  prefix: { type: 'string', default: 'tenant_' },
  'shared-schema': { type: 'string', default: 'public' },
  concurrency: { type: 'string', default: '4' },
  count: { type: 'string' },
  'name-prefix': { type: 'string', default: 't' },
  out: { type: 'string' },
  as: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A positive integer written as one: "0", "-1", "1.5", "4x" and "" are refused, not read as something else. */
function positiveInteger(value: string, option: string): number {
  if (!/^[1-9][0-9]{0,5}$/.test(value)) throw new UsageError(`${option} must be a positive integer (1 to 999999), got "${value}".`);
  return Number(value);
}

function noExtra(command: string, extra: string[]): void {
  if (extra.length > 0) throw new UsageError(`${command} takes no arguments, got ${extra.join(' ')}.`);
}

function parseCommand(name: string, args: string[], values: Record<string, string | boolean | undefined>): CliCommand {
  const text = (key: string) => (typeof values[key] === 'string' ? values[key] : undefined);
  switch (name) {
    case 'list':
    case 'migrate':
      noExtra(name, args);
      return { name };
    case 'create':
    case 'drop':
    case 'adopt':
      if (args.length === 0) throw new UsageError(`${name} needs at least one tenant id.`);
      return { name, ids: args };
    case 'provision': {
      noExtra(name, args);
      const countText = text('count');
      if (countText === undefined) throw new UsageError('provision needs --count N.');
      const count = positiveInteger(countText, '--count');
      const prefix = text('name-prefix') ?? 't';
      return { name, ids: Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(4, '0')}`) };
    }
    case 'export': {
      const out = text('out');
      if (args.length !== 1 || !out) throw new UsageError('export needs exactly one <tenantId> and --out <file>.');
      return { name, id: args[0], out };
    }
    case 'import':
      if (args.length !== 1) throw new UsageError('import needs exactly one <file>.');
      return { name, file: args[0], as: text('as') };
    case 'citus':
      if (args.length !== 1 || args[0] !== 'status') throw new UsageError(`citus takes one subcommand, status; got "${args.join(' ')}".`);
      return { name: 'citus-status' };
    default:
      throw new UsageError(`Unknown command "${name}".`);
  }
}

/** Parses and checks everything that needs no database, so bad use fails before connecting. */
export function parseCliArguments(argv: string[]): CliArguments {
  let parsed: ReturnType<typeof parseArgs<{ allowPositionals: true; options: typeof OPTIONS }>>;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [name, ...args] = positionals;
  const command: CliCommand = values.help || !name ? { name: 'help' } : parseCommand(name, args, values);
  return {
    command,
    dataSource: values['data-source'],
    prefix: values.prefix,
    sharedSchema: values['shared-schema'],
    concurrency: positiveInteger(values.concurrency, '--concurrency'),
  };
}
