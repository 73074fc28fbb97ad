/**
 * A tenant already uses its share of database connections (option
 * `tenantConcurrency`) and no slot freed up within `queueTimeoutMs`. Not an
 * isolation failure: the request was fine and may be retried (HTTP 503 with
 * Retry-After), while other tenants keep being served.
 */
export class TenantBusyError extends Error {
  override readonly name = 'TenantBusyError';
  readonly code = 'TENANT_BUSY';

  constructor(
    readonly tenantId: string,
    readonly retryAfterSeconds: number,
  ) {
    super(
      `Tenant "${tenantId}" already holds its maximum of concurrent database connections (option "tenantConcurrency"). ` +
        'Clients retry after Retry-After; if this load is expected of the tenant, raise tenantConcurrency.max (below the pool size) or queueTimeoutMs.',
    );
  }
}
