// Child process of resolve-bench: one app per process, so the load generator never shares its event loop.
import type { AddressInfo } from 'node:net';
import { serveProbes } from '../support/server-process.js';
import { startBenchApp, type BenchAdapter, type BenchVariant } from './resolve-apps.js';

const app = await startBenchApp(process.env.BENCH_ADAPTER as BenchAdapter, process.env.BENCH_VARIANT as BenchVariant, {
  secret: process.env.BENCH_SECRET ?? '',
  publicPem: process.env.BENCH_PUBLIC_KEY ?? '',
});
serveProbes((app.getHttpServer().address() as AddressInfo).port, () => app.close());
