// Child process of http-bench: one app per process, so that the library's TypeORM hooks never load in the baseline.
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { serveProbes } from '../support/server-process.js';
import type { ServerKind } from './bench-config.js';

const kind = process.env.BENCH_SERVER as ServerKind;
const url = process.env.BENCH_DATABASE_URL ?? '';
const module = kind.startsWith('tenancy')
  ? (await import('./tenancy-app.js')).tenancyModule(url, kind === 'tenancy-guard-cls')
  : (await import('./plain-app.js')).plainModule(url, kind === 'plain-cls');
const app = await NestFactory.create(module, { logger: ['error'] });
await app.listen(0, '127.0.0.1');
serveProbes((app.getHttpServer().address() as AddressInfo).port, () => app.close());
