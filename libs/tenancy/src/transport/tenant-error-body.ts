import { TENANCY_ERRORS, type TenancyErrorStatus } from '../errors/tenancy-error.catalogue.js';
import type { CataloguedError } from '../errors/tenancy-error.js';

/** The JSON body of every tenancy error answer. */
export interface TenantErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
}

/** A 503 body and how long the client should wait before retrying. */
export interface UnavailableErrorBody extends TenantErrorBody {
  retryAfterSeconds: number;
}

const REASONS: Record<TenancyErrorStatus, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface TenantErrorMapping {
  /** Every resolver verifies a credential: a missing tenant is a missing credential (401). */
  credentialOnly: boolean;
}

/**
 * The answer to a catalogued error, from the catalogue's status and fixed
 * message: the error's own message may name entities or carry hints for
 * developers, and must not reach clients.
 */
export function tenantErrorBody(
  error: Pick<CataloguedError, 'code' | 'retryAfterSeconds'>,
  mapping: TenantErrorMapping = { credentialOnly: false },
): TenantErrorBody | UnavailableErrorBody {
  const entry = TENANCY_ERRORS[error.code];
  let { status: statusCode, message }: { status: TenancyErrorStatus; message: string } = entry;
  if (error.code === 'TENANT_REQUIRED' && mapping.credentialOnly) {
    [statusCode, message] = [401, 'This request needs a bearer token naming a tenant.'];
  }
  const body = { statusCode, error: REASONS[statusCode], code: error.code, message };
  if (entry.retryAfterSeconds === undefined) return body;
  return { ...body, retryAfterSeconds: error.retryAfterSeconds ?? entry.retryAfterSeconds };
}
