import type { LoadResponse } from './load-client.js';
import type { Outcome } from './tenant-traffic.js';

export interface LoadSummary {
  requests: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  outcomes: Record<Outcome, number>;
  statuses: Record<string, number>;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function summarize(responses: LoadResponse[], outcomes: Outcome[], seconds: number): LoadSummary {
  const latencies = responses.map((res) => res.ms).sort((a, b) => a - b);
  const count = (keys: string[]) => keys.reduce<Record<string, number>>((acc, key) => ((acc[key] = (acc[key] ?? 0) + 1), acc), {});
  return {
    requests: responses.length,
    seconds,
    perSecond: responses.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    outcomes: { ok: 0, leak: 0, error: 0, broken: 0, ...count(outcomes) } as Record<Outcome, number>,
    statuses: count(responses.map((res) => String(res.status))),
  };
}

/** One line for the run's log, the figures the report quotes. */
export function describeSummary(label: string, s: LoadSummary): string {
  const { ok, leak, error, broken } = s.outcomes;
  return (
    `${label}: ${s.requests} requests in ${s.seconds.toFixed(1)} s (${s.perSecond.toFixed(0)}/s), ` +
    `p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms; ok ${ok}, leaked ${leak}, clean errors ${error}, broken ${broken}; ` +
    `statuses ${JSON.stringify(s.statuses)}`
  );
}
