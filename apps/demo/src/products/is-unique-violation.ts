import { QueryFailedError } from 'typeorm';

/** SQLite and PostgreSQL report a unique-constraint violation differently. */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError: { code?: unknown } = error.driverError ?? {};
  return driverError.code === '23505' || driverError.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
