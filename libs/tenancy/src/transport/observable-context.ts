import { Readable } from 'node:stream';
import { StreamableFile } from '@nestjs/common';
import { ClsServiceManager, type ClsStore } from 'nestjs-cls';
import { Observable } from 'rxjs';

type ReadFn = (size: number) => void;

/**
 * A stream the handler returned is read after the handler's Observable has
 * completed, by whoever pipes it into the response: each read (and so each
 * step of a generator behind Readable.from, or of a query stream) runs
 * inside the store instead.
 */
function bindStreamBody<T>(store: ClsStore, value: T): T {
  const stream = value instanceof StreamableFile ? value.getStream() : value instanceof Readable ? value : undefined;
  if (stream) {
    const cls = ClsServiceManager.getClsService();
    const read = (stream as unknown as { _read: ReadFn })._read.bind(stream);
    (stream as unknown as { _read: ReadFn })._read = (size) => cls.runWith(store, () => read(size));
  }
  return value;
}

/**
 * The Observable of `source()` subscribed inside `store`, with every
 * notification delivered inside it too. An Observable is lazy: the work a
 * handler's Observable does (a timer, a `switchMap` into a query, a delayed
 * emission) starts when it is subscribed, and Nest subscribes later, outside
 * the store the handler ran in. Subscribing here, inside the store, gives
 * every timer and promise created by that work the request's tenant;
 * delivering each emission inside it does the same for what Nest does with
 * the values (replies, SSE frames), and a returned stream is read inside it.
 */
export function observeInStore<T>(store: ClsStore, source: () => Observable<T>): Observable<T> {
  const cls = ClsServiceManager.getClsService();
  return new Observable<T>((subscriber) =>
    cls.runWith(store, () =>
      source().subscribe({
        next: (value) => cls.runWith(store, () => subscriber.next(bindStreamBody(store, value))),
        error: (error: unknown) => cls.runWith(store, () => subscriber.error(error)),
        complete: () => cls.runWith(store, () => subscriber.complete()),
      }),
    ),
  );
}
