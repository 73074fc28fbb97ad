import type { ExecutionContext } from '@nestjs/common';
import { CLS_CTX, CLS_REQ, ClsServiceManager, type ClsStore } from 'nestjs-cls';

/** Requests the guard admitted, so that the global interceptor does not resolve them twice. */
const admitted = new WeakSet<object>();

export function markAdmitted(request: object): void {
  admitted.add(request);
}

export function wasAdmitted(request: object): boolean {
  return admitted.has(request);
}

/**
 * The active CLS store when it belongs to this request (opened by nestjs-cls'
 * middleware, guard or interceptor). A store that merely happens to be active
 * may be left over from another request and must not receive this one's tenant.
 */
export function ownStore(context: ExecutionContext, request: object): ClsStore | undefined {
  const cls = ClsServiceManager.getClsService();
  if (!cls.isActive()) return undefined;
  const store = cls.get() as ClsStore;
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
