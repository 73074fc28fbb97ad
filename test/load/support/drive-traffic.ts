import type { LoadClient, LoadResponse } from './load-client.js';
import { summarize, type LoadSummary } from './load-summary.js';
import type { LoadTenant } from './load-tenants.js';
import { runBounded } from './run-bounded.js';
import { trafficCall, type Outcome } from './tenant-traffic.js';

export interface TrafficRun {
  summary: LoadSummary;
  responses: LoadResponse[];
  outcomes: Outcome[];
  /** The first few responses that were not `ok`, for the failure message. */
  samples: string[];
}

/** `total` requests of the mixed tenant traffic at `concurrency`, every response checked. */
export async function driveTraffic(
  client: LoadClient,
  tenants: LoadTenant[],
  total: number,
  concurrency: number,
  offset = 0,
): Promise<TrafficRun> {
  const outcomes: Outcome[] = new Array(total);
  const started = performance.now();
  const responses = await runBounded(total, concurrency, async (i) => {
    const call = trafficCall(tenants, offset + i);
    const response = await client.send(call.request);
    outcomes[i] = call.check(response);
    return response;
  });
  const samples = outcomes
    .map((outcome, i) => ({ outcome, i }))
    .filter(({ outcome }) => outcome !== 'ok')
    .slice(0, 5)
    .map(({ outcome, i }) => {
      const { request } = trafficCall(tenants, offset + i);
      return `${outcome}: ${request.method} ${request.path} ${JSON.stringify(request.headers)} -> ${responses[i].status} ${responses[i].networkError ?? ''} ${responses[i].text.slice(0, 300)}`;
    });
  return { summary: summarize(responses, outcomes, (performance.now() - started) / 1000), responses, outcomes, samples };
}
