// Child process of http-bench: one app per process, so that the library's TypeORM hooks never load in the baseline.
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { ServerKind } from './bench-config.js';

const kind = process.env.BENCH_SERVER as ServerKind;
const url = process.env.BENCH_DATABASE_URL ?? '';
const module = kind.startsWith('tenancy')
  ? (await import('./tenancy-app.js')).tenancyModule(url, kind === 'tenancy-guard-cls')
  : (await import('./plain-app.js')).plainModule(url, kind === 'plain-cls');
const app = await NestFactory.create(module, { logger: ['error'] });
await app.listen(0, '127.0.0.1');
process.stdout.write(`PORT ${(app.getHttpServer().address() as AddressInfo).port}\n`);
// CPU time of this process only (the load generator and PostgreSQL do not count), and the
// monotonic clock that --cpu-prof timestamps its samples with, to cut a profile to one phase.
process.on('message', () => {
  const { user, system } = process.cpuUsage();
  process.send?.({ cpuMicros: user + system, monotonicMicros: Number(process.hrtime.bigint() / 1000n) });
});
// A normal exit, so that --cpu-prof writes its profile.
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
