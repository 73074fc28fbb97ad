import type { PgClient } from './pg-internals.js';

/** PostgresQueryRunner members the session hook reads or wraps (checked at bind time: typeorm/tenancy-internals.manifest.ts). */
export interface PostgresRunnerInternals {
  isTransactionActive: boolean;
  transactionDepth: number;
  connect(): Promise<PgClient>;
  query(sql: string, parameters?: unknown[], useStructuredResult?: boolean): Promise<unknown>;
  stream(sql: string, parameters?: unknown[], onEnd?: () => void, onError?: () => void): Promise<unknown>;
}

export function inExplicitTransaction(runner: PostgresRunnerInternals): boolean {
  // Depth is still 0 while START TRANSACTION itself is being sent.
  return runner.isTransactionActive && runner.transactionDepth > 0;
}
