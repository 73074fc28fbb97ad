import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';

/** PostgreSQL `integer` (serial) ids; SQLite's are wider, but the demo keeps one contract for both. */
export const MAX_ID = 2_147_483_647;

/** Plain decimal digits, no sign, no leading zero, no space: `0x10`, `1e3`, `+1`, ` 1`, `01` are not ids. */
const CANONICAL_ID = /^[1-9][0-9]{0,9}$/;

/**
 * A path id, strictly. Nest's ParseIntPipe accepted whatever Number() could
 * read (`0x10` was 16, `1e3` 1000) and ids beyond the column's range, which
 * then failed in PostgreSQL with a 500.
 */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    const id = CANONICAL_ID.test(value) ? Number(value) : Number.NaN;
    if (!(id <= MAX_ID)) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        code: 'INVALID_ID',
        message: `An id is a decimal integer from 1 to ${MAX_ID}.`,
      });
    }
    return id;
  }
}
