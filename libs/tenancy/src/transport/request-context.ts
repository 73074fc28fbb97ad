import type { ExecutionContext } from '@nestjs/common';
import { CLS_CTX, CLS_REQ, ClsServiceManager, type ClsStore } from 'nestjs-cls';

/**
 * Marks requests the guard admitted, so that the global interceptor does not
 * resolve them twice. A property under a symbol only this module holds (not
 * Symbol.for: nothing else can forge the mark) rather than a WeakSet: adding
 * to a WeakSet per request costs a hash insert and ephemeron work in every GC.
 */
const ADMITTED = Symbol('nestjs-tenancy.admitted');

export function markAdmitted(request: object): void {
  (request as { [ADMITTED]?: true })[ADMITTED] = true;
}

export function wasAdmitted(request: object): boolean {
  return (request as { [ADMITTED]?: true })[ADMITTED] === true;
}

/**
 * The active CLS store when it belongs to this request (opened by nestjs-cls'
 * middleware, guard or interceptor). A store that merely happens to be active
 * may be left over from another request and must not receive this one's tenant.
 */
export function ownStore(context: ExecutionContext, request: object): ClsStore | undefined {
  // get() without a key is the active store itself, undefined outside any: one AsyncLocalStorage read.
  const store = ClsServiceManager.getClsService().get() as ClsStore | undefined;
  if (store === undefined) return undefined;
  const owner: unknown = store[CLS_REQ];
  // Fastify hands middleware the raw Node request, and guards the Fastify wrapper.
  if (owner !== undefined && (owner === request || owner === (request as { raw?: unknown }).raw)) return store;
  return store[CLS_CTX] === context ? store : undefined;
}

/**
 * Gives the request a CLS store of its own when none is active. Must run
 * synchronously, before the caller's first await: a store entered there is
 * inherited by every later stage of the request (nestjs-cls' ClsGuard relies
 * on the same), one entered after an await would stay inside the caller.
 */
export function enterRequestContext(context: ExecutionContext, request: object): void {
  if (ownStore(context, request)) return;
  ClsServiceManager.getClsService().enterWith({ [CLS_REQ]: request, [CLS_CTX]: context } as ClsStore);
}
