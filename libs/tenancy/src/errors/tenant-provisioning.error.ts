import type { TenantProvisioningErrorCode } from './tenancy-error.catalogue.js';

/**
 * Creating, importing or dropping a tenant schema was refused before anything
 * changed: the target already exists, the name is taken by a schema the
 * library did not create, or the export file is not one it wrote. Not an
 * isolation breach, so not a TenantIsolationError; the message says how to fix it.
 */
export class TenantProvisioningError extends Error {
  override readonly name = 'TenantProvisioningError';

  constructor(
    readonly code: TenantProvisioningErrorCode,
    message: string,
  ) {
    super(message);
  }
}
