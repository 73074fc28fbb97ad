import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadClient, LoadRequest, LoadResponse } from './load-client.js';

/** Sends `request` one at a time, `everyMs` apart, until `until` settles; every response kept. */
export async function probeUntil(
  client: LoadClient,
  request: LoadRequest,
  until: Promise<unknown>,
  everyMs: number,
): Promise<LoadResponse[]> {
  let running = true;
  void until.finally(() => (running = false));
  const responses: LoadResponse[] = [];
  while (running) {
    responses.push(await client.send(request));
    await sleep(everyMs);
  }
  return responses;
}

export function maxMs(responses: LoadResponse[]): number {
  return Math.max(0, ...responses.map((response) => response.ms));
}

export function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  return items.reduce<Record<string, number>>((acc, item) => ((acc[key(item)] = (acc[key(item)] ?? 0) + 1), acc), {});
}

/** `503:TENANT_BUSY`, `200`, `0` (no response): what a run's responses were. */
export function outcomeOf(response: LoadResponse): string {
  if (response.status < 500) return String(response.status);
  try {
    const { code } = JSON.parse(response.text) as { code?: unknown };
    return `${response.status}:${String(code)}`;
  } catch {
    return `${response.status}:no-json`;
  }
}
