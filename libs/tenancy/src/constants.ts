/**
 * Tokens, CLS keys and metadata keys of the library, namespaced with `tenancy:`.
 * CLS keys are registered symbols so that two copies of the library loaded in
 * one process (a dual CJS/ESM install) still read the same context.
 */
export const TENANT_CLS_KEY = Symbol.for('tenancy:tenant');
export const BYPASS_CLS_KEY = Symbol.for('tenancy:bypass');
/** The TenantContextSettings of the context (tenantIdPattern, audit sink...), handed in by the TenancyModule that opened it. */
export const SETTINGS_CLS_KEY = Symbol.for('tenancy:settings');

/** 'required' | 'optional' | 'bypass', one key so that a handler's mark overrides its class's whichever it is. */
export const TENANT_ROUTE_MODE_METADATA = 'tenancy:route-mode';

/** Named parameter carrying the current tenant into every filtered query. */
export const TENANT_QUERY_PARAMETER = 'tenancy_tenant_id';

export const DEFAULT_TENANT_COLUMN = 'tenant_id';
export const DEFAULT_TENANT_PROPERTY = 'tenantId';
export const DEFAULT_TENANT_COLUMN_LENGTH = 64;
export const DEFAULT_TENANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/** Injection token of the validated options (`ResolvedTenancyOptions`). */
export const TENANCY_OPTIONS = 'tenancy:options';
