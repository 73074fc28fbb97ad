import { Agent, request } from 'node:http';

export interface Timed {
  status: number;
  code?: string;
  ms: number;
}

export class Client {
  private readonly agent: Agent;

  constructor(
    private readonly baseUrl: string,
    sockets: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets });
  }

  /** Never rejects: no answer within 30 s is status 0. */
  send(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Timed> {
    const started = performance.now();
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const all = payload === undefined ? headers : { ...headers, 'content-type': 'application/json' };
    return new Promise((resolve) => {
      const req = request(new URL(path, this.baseUrl), { method, headers: all, agent: this.agent }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => {
          let code: string | undefined;
          try {
            code = (JSON.parse(text) as { code?: string }).code;
          } catch {
            code = undefined;
          }
          resolve({ status: res.statusCode ?? 0, code, ms: performance.now() - started });
        });
      });
      req.setTimeout(30_000, () => req.destroy());
      req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** `streams` loops of `send()` until `ms` have passed. */
export async function loopFor(ms: number, streams: number, send: () => Promise<Timed>, pauseMs = 0): Promise<Timed[]> {
  const deadline = performance.now() + ms;
  const results: Timed[] = [];
  const loop = async () => {
    while (performance.now() < deadline) {
      results.push(await send());
      if (pauseMs) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  };
  await Promise.all(Array.from({ length: streams }, loop));
  return results;
}

export function outcomes(results: Timed[]): string {
  const counts = new Map<string, number>();
  for (const { status, code } of results) {
    const key = status >= 500 || status === 0 ? `${status}${code ? ` ${code}` : ''}` : String(status);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, count]) => `${count} × ${key}`).join(', ');
}
