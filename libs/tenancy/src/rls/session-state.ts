import type { PgClient } from '../typeorm/pg-internals.js';

/**
 * A statement that is nothing but one transaction-control command: it reads
 * no row, so it needs no setting, and some of these must not follow any other
 * statement (SET TRANSACTION must come first in its transaction). It may not
 * contain `;`, so nothing can ride along. Anything else, including a control
 * command with more SQL after it or a comment before it, gets the setting:
 * this only ever spares a prefix, it never decides what the session holds.
 */
const TRANSACTION_CONTROL = /^\s*(?:BEGIN|START\s+TRANSACTION|SET\s+TRANSACTION|SAVEPOINT|RELEASE|ROLLBACK|ABORT|COMMIT|END)\b[^;]*;?\s*$/i;

export function isTransactionControl(sql: string): boolean {
  return TRANSACTION_CONTROL.test(sql);
}

/**
 * Whether the server reported the session idle, outside any transaction block,
 * after the last statement: then no transaction-local setting is in force.
 * The ReadyForQuery status is the server's own word, so it also covers a
 * BEGIN, COMMIT or ROLLBACK TO that the library never saw as such. Unknown
 * (pipeline mode, a pg without the status) counts as not idle.
 */
export function sessionIdle(client: PgClient): boolean {
  return client.pipeline !== true && client.getTransactionStatus?.() === 'I';
}
