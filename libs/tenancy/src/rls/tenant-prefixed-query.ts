import type { PgConnection, PgQuery, PgQueryClass } from '../typeorm/pg-internals.js';
import { SET_RLS_SQL, setRlsSqlLiteral, setRlsValues, type RlsSetting } from './rls-session.js';
import { quoteLiteral } from './sql-literal.js';

const classes = new WeakMap<
  PgQueryClass,
  new (setting: RlsSetting, needed: () => boolean, ...args: ConstructorParameters<PgQueryClass>) => PgQuery
>();

/**
 * A pg Query that sends `set_config(..., true)` in front of the statement in
 * the same round trip, and in the same transaction even outside BEGIN:
 * - with parameters (extended protocol): Parse/Bind/Execute of set_config,
 *   then the statement's own messages, then one Sync. The implicit
 *   transaction of the extended protocol lasts until that Sync;
 * - without (simple protocol): one Query message "set_config; statement",
 *   which PostgreSQL runs as one implicit transaction.
 * The set_config result is swallowed; the caller sees the statement's result.
 * `needed` is asked when the statement is sent, not when it was queued: the
 * session state it reads then reflects every statement sent before this one.
 */
export function tenantPrefixedQueryClass(Base: PgQueryClass) {
  let Prefixed = classes.get(Base);
  if (Prefixed) return Prefixed;
  Prefixed = class TenantPrefixedQuery extends (Base as new (...args: ConstructorParameters<PgQueryClass>) => PgQuery) {
    private prefixPending = true;

    constructor(
      private readonly setting: RlsSetting,
      private readonly needed: () => boolean,
      ...args: ConstructorParameters<PgQueryClass>
    ) {
      super(...args);
    }

    override submit(connection: PgConnection): Error | null {
      this.prefixPending = this.needed();
      if (!this.prefixPending || this.requiresPreparation()) return super.submit(connection);
      connection.query(`${setRlsSqlLiteral(this.setting, quoteLiteral)};\n${this.text}`);
      return null;
    }

    override prepare(connection: PgConnection): void {
      // pg writes each message on its own: corked, the setting and the
      // statement leave in one write (one segment, one wake-up of the server)
      // instead of eight.
      const stream = connection.stream;
      const batch = typeof stream?.cork === 'function' && typeof stream.uncork === 'function';
      if (batch) stream.cork!();
      try {
        if (this.prefixPending) {
          // Unnamed statement and portal: both are replaced by the statement's own.
          connection.parse({ text: SET_RLS_SQL });
          connection.bind({ values: setRlsValues(this.setting) });
          connection.execute({ rows: 0 });
        }
        super.prepare(connection);
      } finally {
        if (batch) stream.uncork!();
      }
    }

    override handleRowDescription(message: unknown): void {
      if (!this.prefixPending) super.handleRowDescription(message);
    }

    override handleDataRow(message: unknown): void {
      if (!this.prefixPending) super.handleDataRow(message);
    }

    override handleCommandComplete(message: unknown, connection: PgConnection): void {
      if (this.prefixPending) this.prefixPending = false;
      else super.handleCommandComplete(message, connection);
    }
  };
  classes.set(Base, Prefixed);
  return Prefixed;
}
