import { isTenancyErrorCode, type TenancyErrorCode } from './tenancy-error.catalogue.js';

/** An error of the catalogue: an Error carrying one of its codes. */
export interface CataloguedError extends Error {
  readonly code: TenancyErrorCode;
  /** Set by errors that know their own wait (TenantBusyError); otherwise the catalogue's. */
  readonly retryAfterSeconds?: number;
}

/**
 * `instanceof TenancyError` (and `@Catch(TenancyError)`) matches every error of
 * the catalogue by its code, not by a shared base class, for two reasons:
 * DatabaseUnavailableError must extend TypeORM's QueryFailedError (so that
 * `catch` blocks written for query failures keep working), and a second copy
 * of the library in one process (a dual CJS/ESM install) raises its own
 * classes with the same codes.
 */
export abstract class TenancyError {
  static [Symbol.hasInstance](value: unknown): value is CataloguedError {
    return value instanceof Error && isTenancyErrorCode((value as { code?: unknown }).code);
  }
}
