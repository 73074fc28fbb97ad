import { Agent, request, type IncomingHttpHeaders } from 'node:http';

export interface KeepAliveResponse {
  status: number;
  text: string;
  headers: IncomingHttpHeaders;
  /** Whether this request went over the socket of the previous one. */
  reusedSocket: boolean;
}

/**
 * Sends requests one after the other over a single kept-alive socket, the
 * way a browser or a proxy does. Leftover request state shows up here first:
 * Node runs every request of a connection from the same async resource.
 */
export class KeepAliveClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });

  constructor(private readonly baseUrl: string) {}

  send(method: string, path: string, headers: Record<string, string | string[]> = {}): Promise<KeepAliveResponse> {
    return new Promise((resolve, reject) => {
      const req = request(new URL(path, this.baseUrl), { method, headers, agent: this.agent }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers, reusedSocket: req.reusedSocket }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
