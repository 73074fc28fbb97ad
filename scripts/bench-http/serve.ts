// Child process of bench-http.ts: one app per process, so the load generator never shares its event loop.
import type { AddressInfo } from 'node:net';
import { startBenchApp, type BenchAdapter, type BenchVariant } from './bench-apps.js';

const app = await startBenchApp(process.env.BENCH_ADAPTER as BenchAdapter, process.env.BENCH_VARIANT as BenchVariant, {
  secret: process.env.BENCH_SECRET ?? '',
  publicPem: process.env.BENCH_PUBLIC_KEY ?? '',
});
const { port } = app.getHttpServer().address() as AddressInfo;
process.stdout.write(`PORT ${port}\n`);
// CPU time of this process only: other load on a shared machine does not count.
process.on('message', () => {
  const { user, system } = process.cpuUsage();
  process.send?.({ cpuMicros: user + system });
});
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
