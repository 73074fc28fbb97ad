import { Catch, Inject, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { throwError, type Observable } from 'rxjs';
import { TENANCY_OPTIONS } from '../constants.js';
import { TenantIsolationError } from '../errors/tenant-isolation.error.js';
import type { ResolvedTenancyOptions } from '../tenancy-options.interface.js';
import { tenantErrorBody } from './tenant-error-body.js';

/** Raised by data access inside a handler (a bug or an attack), or an audit outage: worth a log line. */
const WORTH_LOGGING = new Set(['TENANT_MISMATCH', 'TENANT_MOVE', 'TENANT_UNSUPPORTED_QUERY', 'TENANT_AUDIT_UNAVAILABLE']);

/**
 * The one place where tenancy errors become responses: HTTP JSON
 * `{ statusCode, error, code, message }`, the same body as a microservice
 * error, or a WebSocket `exception` event.
 */
@Catch(TenantIsolationError)
export class TenancyExceptionFilter implements ExceptionFilter<TenantIsolationError> {
  private readonly logger = new Logger('Tenancy');
  private readonly credentialOnly: boolean;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(TENANCY_OPTIONS) options: ResolvedTenancyOptions,
  ) {
    this.credentialOnly = options.resolvers.every((resolver) => resolver.verifiesCredential === true);
  }

  catch(error: TenantIsolationError, host: ArgumentsHost): Observable<never> | void {
    const body = tenantErrorBody(error, { credentialOnly: this.credentialOnly });
    if (WORTH_LOGGING.has(error.code)) this.logger.warn(`refused with ${body.statusCode}: ${error.message}`);
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
        adapter.reply(response, body, body.statusCode);
      }
    }
  }
}
