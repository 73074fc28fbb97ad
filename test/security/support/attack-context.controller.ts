import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Controller, Get, Post, StreamableFile } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { getCurrentTenant, TenantIsolationError, TenantOptional } from 'nestjs-tenancy';
import { Product } from '../../support/catalog.entities.js';
import { HandlerLog, type JobResult } from './handler-log.js';

/** Routes whose work outlives, splits or breaks the ordinary request flow. */
@Controller('context')
export class AttackContextController {
  constructor(
    @InjectRepository(Product) private readonly products: Repository<Product>,
    private readonly log: HandlerLog,
  ) {}

  /** Streams one line per product, one query per line, so the queries run while the response is being written. */
  @Get('stream')
  stream(): StreamableFile {
    const products = this.products;
    async function* lines() {
      const total = await products.count();
      for (let skip = 0; skip < total; skip++) {
        await sleep(2);
        const [row] = await products.find({ order: { id: 'ASC' }, skip, take: 1 });
        yield `${getCurrentTenant()}:${row?.name}\n`;
      }
    }
    return new StreamableFile(Readable.from(lines()), { type: 'text/plain' });
  }

  /** Sets up a tenant, reads, then fails like a buggy handler. */
  @Get('throw')
  async fail(): Promise<never> {
    await this.products.find();
    throw new Error('handler bug after reading');
  }

  /** Fans out inside one request: each branch awaits at its own pace. */
  @Get('parallel')
  async parallel() {
    const branch = async () => {
      await sleep(Math.floor(Math.random() * 6));
      const rows = await this.products.find({ order: { id: 'ASC' } });
      await sleep(Math.floor(Math.random() * 3));
      return { tenant: getCurrentTenant(), names: rows.map((row) => row.name) };
    };
    return { branches: await Promise.all(Array.from({ length: 6 }, branch)) };
  }

  /** Starts a job and answers at once; the job waits for the test's go, then reads. */
  @Post('jobs')
  start() {
    const id = randomUUID();
    const gate = this.log.gate(id);
    this.log.jobs.set(
      id,
      gate.then(() => this.readAsJob()),
    );
    return { id };
  }

  /** An anonymous request (no tenant) that starts a nightly job. */
  @Post('nightly')
  @TenantOptional()
  nightly() {
    const id = randomUUID();
    this.log.jobs.set(
      id,
      sleep(5).then(() => this.readAsJob()),
    );
    return { id };
  }

  private async readAsJob(): Promise<JobResult> {
    const tenant = getCurrentTenant();
    try {
      const rows = await this.products.find({ order: { id: 'ASC' } });
      return { tenant, names: rows.map((row) => row.name) };
    } catch (error) {
      if (error instanceof TenantIsolationError) return { tenant, refused: error.code };
      throw error;
    }
  }
}
