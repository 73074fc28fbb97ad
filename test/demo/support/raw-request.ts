import { request, type IncomingHttpHeaders } from 'node:http';

export interface RawResponse {
  /** 0 when no HTTP response arrived. */
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The parsed body when it is JSON. */
  json?: unknown;
  networkError?: string;
}

export interface RawRequest {
  method: string;
  /** Sent as is: percent-encode it yourself. */
  path: string;
  headers?: Record<string, string>;
  /** Sent as is (already serialised), with content-type application/json. */
  body?: string;
}

/**
 * node:http with nothing normalised (fetch rewrites paths and refuses some
 * headers), a fresh connection per request, and no rejection: a missing
 * answer is a result (status 0), not an exception.
 */
export function rawRequest(baseUrl: string, { method, path, headers = {}, body }: RawRequest, timeoutMs = 15_000): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const allHeaders = body === undefined ? headers : { 'content-type': 'application/json', ...headers };
  return new Promise((resolve) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers: allHeaders, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', (error) => resolve({ status: 0, headers: {}, text, networkError: error.message }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no response in ${timeoutMs} ms`)));
    req.on('error', (error) => resolve({ status: 0, headers: {}, text: '', networkError: error.message }));
    req.end(body);
  });
}
