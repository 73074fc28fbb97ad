// Child process of the HTTP benchmarks: autocannon, so that the load generator never shares the server's event loop.
import { readFile } from 'node:fs/promises';
import autocannon from 'autocannon';
import { percentile } from './report.js';

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
  /** Milliseconds, from every 2xx response's own latency (not autocannon's whole-millisecond histogram). */
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

const config = JSON.parse(await readFile(process.argv[2], 'utf8')) as LoadConfig;
// autocannon's percentiles come from a histogram of whole milliseconds: at a p99 of 20 ms one step is 5%,
// the whole margin of the p99 target. Each response's latency is measured to the microsecond; keep those.
const latencies: number[] = [];
const result = await new Promise<autocannon.Result>((resolve, reject) => {
  const run = autocannon(
    {
      url: config.url,
      connections: config.connections,
      duration: config.seconds,
      requests: config.headers.map((headers) => ({ method: 'GET', path: config.path ?? '/products', headers })),
    },
    (error: unknown, done: autocannon.Result) =>
      error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(done),
  );
  run.on('response', (_client, statusCode, _bytes, milliseconds) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(milliseconds);
  });
});
const summary: LoadResult = {
  rps: result.requests.average,
  total: result.requests.total,
  p50: percentile(latencies, 50),
  p99: percentile(latencies, 99),
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts,
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
