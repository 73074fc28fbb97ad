import pg from 'pg';
import { startPostgres } from '../../../support/postgres-server.js';
import { percentile, saveResult, scaled } from '../support/report.js';
import { startDemo } from './demo-process.js';
import { Client, loopFor, outcomes, type Timed } from './latency.js';
import type { NoisyResult } from './noisy-report.js';

/**
 * Noisy neighbour: the demo (PostgreSQL, schema strategy, pool of 10) while
 * tenant_a's products table is locked and tenant_a is flooded; tenant_b's
 * and /health's latency, with the per-tenant connection limit (the demo's
 * default, tenantConcurrency max 5) and without it (TENANT_MAX_CONNECTIONS=0).
 * Standalone: `node dist/scripts/bench/noisy/noisy-bench.js` (BENCH_SECONDS).
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? scaled(8, 3));
const POOL_SIZE = 10;
const FLOOD = 20;
const TENANT_A = { 'x-tenant-id': 'tenant_a' };
const TENANT_B = { 'x-tenant-id': 'tenant_b' };

interface Row {
  label: string;
  b: Timed[];
  health: Timed[];
  flood: Timed[];
}

async function withDatabase<T>(adminUrl: string, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `tenancy_noisy_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    await admin.end();
  }
}

async function run(adminUrl: string, label: string, env: Record<string, string>): Promise<Row> {
  return withDatabase(adminUrl, async (databaseUrl) => {
    const demo = await startDemo({ DATABASE_URL: databaseUrl, TENANCY_STRATEGY: 'schema', POOL_SIZE: String(POOL_SIZE), ...env });
    const flooder = new Client(demo.url, FLOOD);
    const prober = new Client(demo.url, 2);
    const lock = new pg.Client({ connectionString: databaseUrl });
    try {
      const created = await flooder.send('POST', '/products', TENANT_A, { name: 'Stalled', price: 1, sku: 'STALLED' });
      if (created.status !== 201) throw new Error(`${label}: could not create the product (${created.status})`);
      const patch = () => flooder.send('PATCH', '/products/1', TENANT_A, { price: 2 });
      // Warm sockets, pool and code paths, as a server under steady traffic has them.
      await loopFor(1_000, FLOOD, patch);
      await loopFor(1_000, 2, () => prober.send('GET', '/products', TENANT_B));
      await lock.connect();
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE tenant_tenant_a.products IN ACCESS EXCLUSIVE MODE');
      const [flood, b, health] = await Promise.all([
        loopFor(SECONDS * 1_000, FLOOD, patch),
        loopFor(SECONDS * 1_000, 1, () => prober.send('GET', '/products', TENANT_B), 50),
        loopFor(SECONDS * 1_000, 1, () => prober.send('GET', '/health', {}), 50),
      ]);
      await lock.query('COMMIT');
      return { label, b, health, flood };
    } finally {
      await lock.end().catch(() => undefined);
      flooder.close();
      prober.close();
      await demo.stop();
    }
  });
}

function line({ label, b, health, flood }: Row): string {
  const ms = (results: Timed[], p: number) =>
    percentile(
      results.map((r) => r.ms),
      p,
    ).toFixed(0);
  return (
    `| ${label} | ${ms(b, 50)} | ${ms(b, 99)} | ${ms(b, 100)} | ${outcomes(b)} | ${ms(health, 99)} | ${ms(health, 100)} | ${outcomes(health)} | ` +
    `${outcomes(flood)} |`
  );
}

const postgres = await startPostgres();
try {
  const rows = [
    await run(postgres.url, 'limit on (max 5 of 10, queue 1 s)', {}),
    await run(postgres.url, 'limit off', { TENANT_MAX_CONNECTIONS: '0' }),
  ];
  const result: NoisyResult = { setup: { seconds: SECONDS, poolSize: POOL_SIZE, flood: FLOOD }, lines: rows.map(line) };
  console.log(result.lines.join('\n'));
  await saveResult(result);
} finally {
  await postgres.stop();
}
