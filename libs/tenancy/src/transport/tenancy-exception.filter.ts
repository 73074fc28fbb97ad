import { Catch, Inject, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { throwError, type Observable } from 'rxjs';
import { TENANCY_OPTIONS } from '../constants.js';
import { DatabaseUnavailableError } from '../errors/database-unavailable.error.js';
import { TenantBusyError } from '../errors/tenant-busy.error.js';
import { TenantIsolationError } from '../errors/tenant-isolation.error.js';
import type { ResolvedTenancyHttpOptions } from './tenancy-http-options.js';
import { tenantErrorBody, type TenantErrorBody } from './tenant-error-body.js';
import { unavailableErrorBody } from './unavailable-error-body.js';

/** Raised by data access inside a handler (a bug or an attack), or an audit outage: worth a log line. */
const WORTH_LOGGING = new Set(['TENANT_MISMATCH', 'TENANT_MOVE', 'TENANT_UNSUPPORTED_QUERY', 'TENANT_AUDIT_UNAVAILABLE']);

type HandledError = TenantIsolationError | TenantBusyError | DatabaseUnavailableError;

/**
 * The one place where tenancy errors become responses: HTTP JSON
 * `{ statusCode, error, code, message }`, the same body as a microservice
 * error, or a WebSocket `exception` event. Also the 503s of the database
 * layer: TENANT_BUSY (option tenantConcurrency) and lost connections or
 * timeouts (DatabaseUnavailableError), with a Retry-After header.
 */
@Catch(TenantIsolationError, TenantBusyError, DatabaseUnavailableError)
export class TenancyExceptionFilter implements ExceptionFilter<HandledError> {
  private readonly logger = new Logger('Tenancy');
  private readonly credentialOnly: boolean;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(TENANCY_OPTIONS) options: ResolvedTenancyHttpOptions,
  ) {
    this.credentialOnly = options.resolvers.every((resolver) => resolver.verifiesCredential === true);
  }

  catch(error: HandledError, host: ArgumentsHost): Observable<never> | void {
    const body = this.bodyOf(error);
    if (WORTH_LOGGING.has(error.code) || error instanceof DatabaseUnavailableError) {
      this.logger.warn(`refused with ${body.statusCode} ${body.code}: ${error.message}`);
    }
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

  private bodyOf(error: HandledError): TenantErrorBody | (TenantErrorBody & { retryAfterSeconds: number }) {
    if (error instanceof TenantIsolationError) return tenantErrorBody(error, { credentialOnly: this.credentialOnly });
    return unavailableErrorBody(error);
  }
}
