import pg from 'pg';

/**
 * Citus cluster helpers shared by the Citus test suites and the Citus
 * benchmark: databases that exist on every node (with the extension and
 * their own node list), and the task count of a distributed plan.
 */
async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const at = (url: string, database: string, host?: string, port?: number) => {
  const target = new URL(url);
  target.pathname = `/${database}`;
  if (host) target.hostname = host;
  if (port) target.port = String(port);
  return target.toString();
};

async function workers(adminUrl: string): Promise<Array<{ host: string; port: number }>> {
  return withClient(adminUrl, async (client) => {
    const rows = await client.query<{ host: string; port: number }>(
      `SELECT nodename AS host, nodeport AS port FROM pg_dist_node WHERE groupid > 0 AND noderole = 'primary' ORDER BY nodeport`,
    );
    return rows.rows;
  });
}

/**
 * Citus metadata is per database: a new database needs the extension on the
 * coordinator and every worker, and its own node list. CREATE DATABASE
 * reaches the workers through citus.enable_create_database_propagation.
 */
export async function createCitusDatabase(adminUrl: string, name: string): Promise<void> {
  const nodes = await workers(adminUrl);
  await withClient(adminUrl, async (client) => {
    await client.query(`SET citus.enable_create_database_propagation = on`);
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  });
  await Promise.all(
    nodes.map((node) => withClient(at(adminUrl, name, node.host, node.port), (client) => client.query('CREATE EXTENSION citus'))),
  );
  await withClient(at(adminUrl, name), async (client) => {
    const coordinator = new URL(adminUrl);
    await client.query('CREATE EXTENSION citus');
    await client.query('SELECT citus_set_coordinator_host($1, $2)', [coordinator.hostname, Number(coordinator.port || 5432)]);
    for (const node of nodes) await client.query('SELECT citus_add_node($1, $2)', [node.host, node.port]);
  });
}

/** Drops node by node, the coordinator first so that its connections to the workers close. */
export async function dropCitusDatabase(adminUrl: string, name: string): Promise<void> {
  const nodes = await workers(adminUrl);
  const drop = `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`;
  await withClient(adminUrl, (client) => client.query(drop));
  for (const node of nodes) await withClient(at(adminUrl, 'postgres', node.host, node.port), (client) => client.query(drop));
}

/** The Citus plan of a statement, for routing assertions. */
export function taskCount(plan: Array<{ 'QUERY PLAN': string }>): number | undefined {
  const line = plan.map((row) => row['QUERY PLAN']).find((text) => /Task Count: \d+/.test(text));
  return line ? Number(/Task Count: (\d+)/.exec(line)![1]) : undefined;
}
