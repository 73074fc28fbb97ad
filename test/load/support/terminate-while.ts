import { setTimeout as sleep } from 'node:timers/promises';
import { lockTables } from './table-lock.js';
import { terminateBackends, type Termination } from './terminate-backends.js';

export interface TerminationRounds {
  kills: Termination[];
  /** Rounds in which requests were first held inside a statement, then terminated. */
  lockedRounds: number;
}

/**
 * Terminates the server's backends every `everyMs` until `done` settles.
 * Every other round first locks the tables the requests read, so that some
 * backends are surely killed mid-statement (a plain round mostly finds idle
 * pooled connections: statements here take well under a millisecond).
 */
export async function terminateWhile(database: string, done: Promise<unknown>, everyMs: number): Promise<TerminationRounds> {
  let running = true;
  void done.finally(() => (running = false));
  const kills: Termination[] = [];
  let lockedRounds = 0;
  for (let round = 0; running; round++) {
    await sleep(everyMs);
    if (!running) break;
    if (round % 2 === 0) {
      kills.push(await terminateBackends(database));
      continue;
    }
    lockedRounds++;
    const lock = await lockTables(database, ['projects', 'products']);
    await sleep(50);
    kills.push(await terminateBackends(database, [lock.pid]));
    await lock.release();
  }
  return { kills, lockedRounds };
}
