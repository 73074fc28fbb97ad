import { from, switchMap, throwError, type Observable } from 'rxjs';
import type { TenantErrorBody } from './tenant-error-body.js';

/**
 * A message handler's refusal as an RpcException carrying the tenancy body.
 * Nest answers anything else with a generic "Internal server error" where no
 * filter of the app catches it first: a hybrid app's listener gets none of
 * the app's global filters without `inheritAppConfig: true`. Loaded on the
 * first refusal: @nestjs/microservices is an optional peer, and present
 * whenever a message arrived.
 */
export function rpcRefusal(body: TenantErrorBody): Observable<never> {
  return from(import('@nestjs/microservices')).pipe(switchMap(({ RpcException }) => throwError(() => new RpcException(body))));
}
