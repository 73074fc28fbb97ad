import { InsertQueryBuilder } from 'typeorm';

/**
 * Query paths that exist on one typeorm line only. A suite run on the other
 * line (scripts/matrix/typeorm-suites.sh) skips the cases of a path that is not
 * there to attack, with this reason in the skip.
 */
export const INSERT_FROM_SELECT_ABSENT =
  typeof (InsertQueryBuilder.prototype as { valuesFromSelect?: unknown }).valuesFromSelect === 'function'
    ? undefined
    : 'typeorm 0.3 has no INSERT ... SELECT (InsertQueryBuilder.valuesFromSelect is 1.x only)';
