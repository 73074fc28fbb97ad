/**
 * A value now or later. The request pipeline runs for every request: each
 * step that answered synchronously (a cached token, a header, no
 * validateTenant) hands its value on without a Promise and a microtask.
 */
export type MaybePromise<T> = T | Promise<T>;

export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}
