import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Controller, Get, Sse, StreamableFile, type MessageEvent } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { InjectRepository } from '@nestjs/typeorm';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { concatMap, defer, delay, interval, map, of, switchMap, take, timer, type Observable } from 'rxjs';
import type { Repository } from 'typeorm';
import { getCurrentTenant } from 'nestjs-tenancy';
import { Product } from '../../support/catalog.entities.js';

/** What one emission saw: the context's tenant and the product names a query returned. */
export interface Seen {
  tenant: string | null;
  names: string[];
}

/**
 * Handlers that return Observables whose work starts only when subscribed,
 * as RxJS handlers do: a timer, a delayed emission, a lazy query, several
 * emissions. Nest subscribes to them after the handler returned.
 */
abstract class LazyHandlers {
  constructor(protected readonly products: Repository<Product>) {}

  protected seen(): Promise<Seen> {
    return this.products
      .find({ order: { id: 'ASC' } })
      .then((rows) => ({ tenant: getCurrentTenant() ?? null, names: rows.map((row) => row.name) }));
  }

  protected afterTimer(): Observable<Seen> {
    return timer(15).pipe(switchMap(() => this.seen()));
  }

  protected delayed(): Observable<Seen> {
    return of(null).pipe(
      delay(15),
      concatMap(() => this.seen()),
    );
  }

  protected deferred(): Observable<Seen> {
    return defer(() => this.seen());
  }

  protected ticks(): Observable<Seen> {
    return interval(5).pipe(
      take(3),
      concatMap(() => this.seen()),
    );
  }
}

@Controller()
export class StreamMessages extends LazyHandlers {
  constructor(@InjectRepository(Product) products: Repository<Product>) {
    super(products);
  }

  @MessagePattern('lazy.timer')
  timer() {
    return this.afterTimer();
  }

  @MessagePattern('lazy.delay')
  delay() {
    return this.delayed();
  }

  @MessagePattern('lazy.defer')
  defer() {
    return this.deferred();
  }

  @MessagePattern('lazy.ticks')
  ticksOf() {
    return this.ticks();
  }
}

@WebSocketGateway()
export class StreamGateway extends LazyHandlers {
  constructor(@InjectRepository(Product) products: Repository<Product>) {
    super(products);
  }

  @SubscribeMessage('lazy.timer')
  timer() {
    return this.afterTimer().pipe(map((data) => ({ event: 'seen', data })));
  }

  @SubscribeMessage('lazy.delay')
  delay() {
    return this.delayed().pipe(map((data) => ({ event: 'seen', data })));
  }

  @SubscribeMessage('lazy.defer')
  defer() {
    return this.deferred().pipe(map((data) => ({ event: 'seen', data })));
  }
}

@Controller('lazy')
export class StreamController extends LazyHandlers {
  constructor(@InjectRepository(Product) products: Repository<Product>) {
    super(products);
  }

  @Get('timer')
  timer() {
    return this.afterTimer();
  }

  @Get('delay')
  delay() {
    return this.delayed();
  }

  @Get('defer')
  defer() {
    return this.deferred();
  }

  @Sse('sse')
  sse(): Observable<MessageEvent> {
    return this.ticks().pipe(map((data) => ({ data })));
  }

  /** The body is produced while the response is written: each chunk is one query. */
  @Get('file')
  file(): StreamableFile {
    const seen = () => this.seen();
    async function* chunks() {
      for (let i = 0; i < 2; i++) {
        await sleep(5);
        yield `${JSON.stringify(await seen())}\n`;
      }
    }
    return new StreamableFile(Readable.from(chunks()), { type: 'application/x-ndjson' });
  }
}
