import { QueryFailedError } from 'typeorm';

function driverCode(error: unknown): unknown {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driverError: { code?: unknown } = error.driverError ?? {};
  return driverError.code;
}

/** SQLite and PostgreSQL report a unique-constraint violation differently. */
export function isUniqueViolation(error: unknown): boolean {
  const code = driverCode(error);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** A foreign key to a row that is gone (a project deleted after it was checked). */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = driverCode(error);
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}
