import type { DataSource } from 'typeorm';

interface ObservedClient {
  connection: { on(event: 'readyForQuery', listener: () => void): void };
}

interface ObservedPool {
  on(event: 'acquire', listener: (client: ObservedClient) => void): void;
}

/**
 * Counts round trips as the server sees them: every Query or Sync message is
 * answered by exactly one ReadyForQuery, whatever was pipelined before it.
 */
export class RoundTripCounter {
  count = 0;
  private readonly seen = new WeakSet<object>();

  constructor(dataSource: DataSource) {
    const pool = (dataSource.driver as unknown as { master: ObservedPool }).master;
    pool.on('acquire', (client) => {
      if (this.seen.has(client)) return;
      this.seen.add(client);
      client.connection.on('readyForQuery', () => this.count++);
    });
  }

  async measure(fn: () => Promise<unknown>): Promise<number> {
    const before = this.count;
    await fn();
    return this.count - before;
  }
}
