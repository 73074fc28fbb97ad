import { Agent, request } from 'node:http';

export interface LoadResponse {
  /** 0 when no HTTP response arrived (reset, refused, client timeout). */
  status: number;
  text: string;
  /** Wall time from sending to the end of the body. */
  ms: number;
  /** Why no response arrived. */
  networkError?: string;
}

export interface LoadRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * Plain node:http over a bounded pool of kept-alive sockets, as a reverse
 * proxy would hold them. It never rejects: a failed exchange is a result to
 * count, not an exception that stops the run.
 */
export class LoadClient {
  private readonly agent: Agent;

  constructor(
    private readonly baseUrl: string,
    maxSockets: number,
    private readonly timeoutMs = 15_000,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  send({ method, path, headers = {}, body }: LoadRequest): Promise<LoadResponse> {
    const started = performance.now();
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const allHeaders = payload === undefined ? headers : { ...headers, 'content-type': 'application/json' };
    return new Promise((resolve) => {
      const done = (status: number, text: string, networkError?: string) =>
        resolve({ status, text, ms: performance.now() - started, ...(networkError ? { networkError } : {}) });
      const req = request(new URL(path, this.baseUrl), { method, headers: allHeaders, agent: this.agent }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done(res.statusCode ?? 0, text));
        res.on('error', (error) => done(0, text, error.message));
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`no response in ${this.timeoutMs} ms`)));
      req.on('error', (error) => done(0, '', error.message));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
