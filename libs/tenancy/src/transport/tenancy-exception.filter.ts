import { Catch, Inject, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { throwError, type Observable } from 'rxjs';
import { TENANCY_OPTIONS } from '../constants.js';
import type { TenancyErrorCode } from '../errors/tenancy-error.catalogue.js';
import { TenancyError, type CataloguedError } from '../errors/tenancy-error.js';
import type { ResolvedTenancyHttpOptions } from './tenancy-http-options.js';
import { tenantErrorBody, type TenantErrorBody } from './tenant-error-body.js';

/**
 * Worth a warning besides the 500s: a foreign write raised inside a handler
 * (a bug or an attack) and outages. TENANT_BUSY is not: it is the limit doing
 * its job, and would flood the log under exactly the load it sheds.
 */
const WORTH_LOGGING: ReadonlySet<TenancyErrorCode> = new Set([
  'TENANT_MISMATCH',
  'TENANT_MOVE',
  'TENANT_AUDIT_UNAVAILABLE',
  'DATABASE_UNAVAILABLE',
  'DATABASE_TIMEOUT',
]);

/**
 * The one place where tenancy errors become responses: HTTP JSON
 * `{ statusCode, error, code, message }`, the same body as a microservice
 * error, or a WebSocket `exception` event. It answers every code of the
 * catalogue (errors/tenancy-error.catalogue.ts) with its status: refusals,
 * the retryable 503s of the database layer (with a Retry-After header), and
 * the developer's mistakes that reach a request (500, logged with the
 * message that says how to fix them).
 */
@Catch(TenancyError)
export class TenancyExceptionFilter implements ExceptionFilter<CataloguedError> {
  private readonly logger = new Logger('Tenancy');
  private readonly credentialOnly: boolean;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(TENANCY_OPTIONS) options: ResolvedTenancyHttpOptions,
  ) {
    this.credentialOnly = options.resolvers.every((resolver) => resolver.verifiesCredential === true);
  }

  /** The body that answers `error`, logged as its status asks: for the answers this filter does not send itself. */
  answer(error: CataloguedError): TenantErrorBody {
    const body = tenantErrorBody(error, { credentialOnly: this.credentialOnly });
    if (body.statusCode === 500) this.logger.error(`refused with 500 ${body.code}: ${error.message}`, error.stack);
    else if (WORTH_LOGGING.has(error.code)) this.logger.warn(`refused with ${body.statusCode} ${body.code}: ${error.message}`);
    return body;
  }

  catch(error: CataloguedError, host: ArgumentsHost): Observable<never> | void {
    const body = this.answer(error);
    switch (host.getType()) {
      case 'rpc':
        return throwError(() => body);
      case 'ws':
        host.switchToWs().getClient<{ emit?: (event: string, data: unknown) => void }>().emit?.('exception', body);
        return;
      default: {
        const adapter = this.adapterHost.httpAdapter;
        const response: unknown = host.switchToHttp().getResponse();
        if (adapter.isHeadersSent(response)) return;
        if (body.statusCode === 401) adapter.setHeader(response, 'WWW-Authenticate', 'Bearer');
        if ('retryAfterSeconds' in body) adapter.setHeader(response, 'Retry-After', String(body.retryAfterSeconds));
        adapter.reply(response, body, body.statusCode);
      }
    }
  }
}
