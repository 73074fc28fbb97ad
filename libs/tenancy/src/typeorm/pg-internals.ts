/**
 * The parts of node-postgres (`pg`) the session hook relies on: the client's
 * query(), the Query class that handles backend messages, and the protocol
 * writer. Kept in one file so that a `pg` upgrade has one place to check;
 * typeorm/adapter/tenancy-internals.manifest.ts lists them for the bind-time check.
 */
export interface PgConnection {
  parse(config: { text: string; name?: string }): void;
  bind(config: { portal?: string; statement?: string; values: unknown[] }): void;
  execute(config: { portal?: string; rows?: number }): void;
  query(text: string): void;
  /**
   * The socket, used only to batch one exchange's messages into one write
   * (cork/uncork). Optional: without it the same messages go out one write each.
   */
  stream?: { cork?: () => void; uncork?: () => void };
}

export type PgCallback = (error: Error | null, result?: unknown) => void;

export interface PgQuery {
  text: string;
  values?: unknown[];
  requiresPreparation(): boolean;
  submit(connection: PgConnection): Error | null;
  prepare(connection: PgConnection): void;
  handleRowDescription(message: unknown): void;
  handleDataRow(message: unknown): void;
  handleCommandComplete(message: unknown, connection: PgConnection): void;
}

export type PgQueryClass = new (text: string, values: unknown[], callback: PgCallback) => PgQuery;

export interface PgClient {
  query(config: unknown, values?: unknown, callback?: unknown): unknown;
  /** The status of the server's last ReadyForQuery: 'I' idle, 'T' in a transaction block, 'E' in a failed one. */
  getTransactionStatus?(): string | null;
  /** Pipeline mode sends queries before the previous ones answered, so the status above lags. */
  pipeline?: boolean;
}

/** The loaded `pg` module, as PostgresDriver keeps it in `driver.postgres`. */
export interface PgModule {
  Query?: PgQueryClass;
}
