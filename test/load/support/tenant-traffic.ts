import type { LoadRequest, LoadResponse } from './load-client.js';
import { TENANT_ID_PATTERN, type LoadTenant } from './load-tenants.js';

/**
 * - `ok`: the expected answer, with exactly the tenant's own rows;
 * - `leak`: any other tenant's id anywhere in the body, whatever the status;
 * - `error`: a clean failure (an HTTP error status with a JSON error body);
 * - `broken`: anything else (no response, a non-JSON error, a wrong success body).
 */
export type Outcome = 'ok' | 'leak' | 'error' | 'broken';

export interface TrafficCall {
  request: LoadRequest;
  check(response: LoadResponse): Outcome;
}

interface ListBody {
  tenant_id?: unknown;
  projects?: Array<{ name?: unknown; tenant_id?: unknown }>;
  products?: Array<{ name?: unknown; tenant_id?: unknown }>;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Another tenant's id anywhere in the body is a leak, whatever else the body says. */
function leaks(text: string, allowed: string): boolean {
  return [...text.matchAll(TENANT_ID_PATTERN)].some(([id]) => id !== allowed);
}

function failure(response: LoadResponse): Outcome {
  const body = parse(response.text) as { statusCode?: unknown } | undefined;
  return response.status >= 400 && typeof body?.statusCode === 'number' ? 'error' : 'broken';
}

function sameNames(rows: Array<{ name?: unknown; tenant_id?: unknown }> | undefined, tenant: string, expected: string[]): boolean {
  if (!rows || !rows.every((row) => row.tenant_id === tenant)) return false;
  return JSON.stringify(rows.map((row) => row.name).sort()) === JSON.stringify([...expected].sort());
}

function listCall(tenant: LoadTenant, what: 'projects' | 'products', viaToken: boolean): TrafficCall {
  const headers: Record<string, string> = viaToken ? { authorization: `Bearer ${tenant.token}` } : { 'x-tenant-id': tenant.id };
  return {
    request: { method: 'GET', path: `/${what}`, headers },
    check(response) {
      if (leaks(response.text, tenant.id)) return 'leak';
      if (response.status !== 200) return failure(response);
      const body = parse(response.text) as ListBody | undefined;
      return body?.tenant_id === tenant.id && sameNames(body[what], tenant.id, tenant[what]) ? 'ok' : 'broken';
    },
  };
}

/** A token of one tenant with another tenant's header: must be a 403 that shows nothing of either. */
function spoofCall(tenant: LoadTenant, victim: LoadTenant): TrafficCall {
  return {
    request: { method: 'GET', path: '/projects', headers: { authorization: `Bearer ${tenant.token}`, 'x-tenant-id': victim.id } },
    check(response) {
      if (leaks(response.text, tenant.id)) return 'leak';
      if (response.status === 403) return 'ok';
      return response.status === 200 ? 'broken' : failure(response);
    },
  };
}

/**
 * The i-th request of a run: tenants in rotation (64 in flight are 64
 * different tenants), and each tenant cycles through projects and products,
 * header and token, and, one request in 20, a header-spoofing attempt.
 */
export function trafficCall(tenants: LoadTenant[], index: number): TrafficCall {
  const tenant = tenants[index % tenants.length];
  const round = Math.floor(index / tenants.length);
  // 7 is prime to 20: a tenant meets every kind of request over 20 rounds.
  const kind = (round * 7 + index) % 20;
  // The victim is always another tenant: an offset of 1 to n-1.
  if (kind === 19) return spoofCall(tenant, tenants[(index + 1 + (round % (tenants.length - 1))) % tenants.length]);
  return listCall(tenant, kind % 4 === 3 ? 'products' : 'projects', kind % 2 === 1);
}
