import type { TenantRlsErrorCode } from './tenancy-error.catalogue.js';

/** A misuse of the Row-Level Security helpers: a bad identifier or value, no transaction, a bypass inside a tenant. */
export class TenantRlsError extends Error {
  override readonly name = 'TenantRlsError';

  constructor(
    readonly code: TenantRlsErrorCode,
    message: string,
  ) {
    super(message);
  }
}
