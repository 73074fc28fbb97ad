// Child process of the HTTP benchmarks: autocannon, so that the load generator never shares the server's event loop.
import { readFile } from 'node:fs/promises';
import autocannon from 'autocannon';

export interface LoadConfig {
  url: string;
  connections: number;
  seconds: number;
  /** Default `/products`. */
  path?: string;
  /** One header set per tenant: each connection cycles through them. */
  headers: Array<Record<string, string>>;
}

export interface LoadResult {
  rps: number;
  total: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

const config = JSON.parse(await readFile(process.argv[2], 'utf8')) as LoadConfig;
const result = await autocannon({
  url: config.url,
  connections: config.connections,
  duration: config.seconds,
  requests: config.headers.map((headers) => ({ method: 'GET', path: config.path ?? '/products', headers })),
});
const summary: LoadResult = {
  rps: result.requests.average,
  total: result.requests.total,
  p50: result.latency.p50,
  p99: result.latency.p99,
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts,
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
