/** Shared by the orchestrator and its child processes. */
export const TENANTS = 100;
export const ROWS_PER_TENANT = 20;
export const JWT_SECRET = 'http-bench-secret-that-is-at-least-32-bytes';
export const JWT_ISSUER = 'http-bench';
export const JWT_AUDIENCE = 'http-bench-api';
/** The claim listing the tenants a token grants, as in the demo. */
export const TENANTS_CLAIM = 'tenants';

export const tenantId = (index: number) => `t${String(index).padStart(3, '0')}`;

/**
 * `plain`: Nest + TypeORM, tenant by hand. `plain-cls`: the same plus nestjs-cls'
 * middleware (a request context, as many Nest apps already keep one).
 * `tenancy`: the library's whole pipeline. `tenancy-guard-cls`: the same without
 * the CLS middleware (`registerClsModule: false`): the guard opens the context.
 */
export type ServerKind = 'plain' | 'plain-cls' | 'tenancy' | 'tenancy-guard-cls';
