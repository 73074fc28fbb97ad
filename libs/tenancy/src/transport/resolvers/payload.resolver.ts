import type { TenantRequest } from '../tenant-request.js';
import type { TenantResolution, TenantResolver } from '../tenant-resolver.interface.js';

export interface PayloadTenantResolverOptions {
  /** Field of the message payload. Default `tenantId`. */
  field?: string;
}

/**
 * The tenant named by a field of a microservice message. HTTP bodies are never
 * read: there the body is client input that must be checked against the
 * tenant, not choose it.
 */
export class PayloadTenantResolver implements TenantResolver {
  readonly field: string;

  constructor(options: PayloadTenantResolverOptions = {}) {
    this.field = options.field ?? 'tenantId';
  }

  resolve(request: TenantRequest): TenantResolution | undefined {
    const payload = request.payload;
    if (request.transport !== 'rpc' || typeof payload !== 'object' || payload === null) return undefined;
    const value = (payload as Record<string, unknown>)[this.field];
    return value === undefined ? undefined : { tenantId: value as string };
  }
}
