/**
 * Every wait of a request on the database is bounded, so that a stuck tenant,
 * a lock or a lost server turns into a prompt 503, never a hung request. The
 * values suit the demo's short statements; an application sizes them to its
 * slowest legitimate query.
 */
export const DATABASE_TIMEOUTS = {
  /** PostgreSQL `statement_timeout`: a statement running longer is cancelled (57014 → 503 DATABASE_TIMEOUT). */
  statementMs: 5_000,
  /** PostgreSQL `lock_timeout`: waiting longer for a lock fails (55P03 → 503 DATABASE_TIMEOUT). */
  lockMs: 2_000,
  /** PostgreSQL `idle_in_transaction_session_timeout`: a transaction left open by a crashed handler is ended. */
  idleInTransactionMs: 10_000,
  /** pg-pool `connectionTimeoutMillis` (TypeORM `connectTimeoutMS`): waiting for a pooled connection (→ 503 DATABASE_UNAVAILABLE). */
  poolAcquireMs: 3_000,
  /** better-sqlite3 busy timeout: waiting for another writer's lock on the file. */
  sqliteBusyMs: 2_000,
} as const;

/** Node's HTTP server: bounds on receiving a request (slow clients), not on the handler. */
export const HTTP_TIMEOUTS = {
  /** `server.headersTimeout`: the headers must arrive within this. */
  headersMs: 10_000,
  /** `server.requestTimeout`: the whole request (headers and body) must arrive within this. */
  requestMs: 30_000,
} as const;
