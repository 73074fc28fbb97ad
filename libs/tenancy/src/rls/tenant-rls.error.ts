/** Stable codes: callers switch on these, never on messages. */
export type TenantRlsErrorCode =
  'TENANT_RLS_INVALID_IDENTIFIER' | 'TENANT_RLS_INVALID_VALUE' | 'TENANT_RLS_NO_TRANSACTION' | 'TENANT_RLS_BYPASS_IN_TENANT';

/** A misuse of the Row-Level Security helpers (bad table name, wrong driver...). */
export class TenantRlsError extends Error {
  override readonly name = 'TenantRlsError';

  constructor(
    readonly code: TenantRlsErrorCode,
    message: string,
  ) {
    super(message);
  }
}
