export interface Reply {
  status: number;
  contentType: string | null;
  body: unknown;
}

/** One HTTP call to a consumer app, with the tenant and admin headers the README app reads. */
export async function request(
  baseUrl: string,
  path: string,
  options: { method?: string; tenant?: string; adminKey?: string; body?: unknown } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (options.tenant !== undefined) headers['X-Tenant-ID'] = options.tenant;
  if (options.adminKey !== undefined) headers['X-Admin-Key'] = options.adminKey;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(new URL(path, baseUrl), {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  const contentType = response.headers.get('content-type');
  return { status: response.status, contentType, body: contentType?.includes('json') ? JSON.parse(text) : text };
}
