export interface HttpResult {
  status: number;
  body: unknown;
  /** The raw body, as curl would print it. */
  text: string;
}

export interface RequestOptions {
  method?: string;
  tenant?: string;
  token?: string;
  body?: unknown;
}

/** A curl-like call: the request headers the FastAPI guide's curl session sends, and nothing hidden. */
export async function call(baseUrl: string, path: string, options: RequestOptions = {}): Promise<HttpResult> {
  const headers: Record<string, string> = {};
  if (options.tenant !== undefined) headers['X-Tenant-ID'] = options.tenant;
  if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(new URL(path, baseUrl), {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON (the Swagger UI page): keep the text.
  }
  return { status: response.status, body, text };
}
