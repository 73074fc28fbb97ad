import { BUCKET_NAMES, LIBRARY_BUCKETS } from '../support/cpu-profile.js';
import type { ProfiledRun } from './profile-run.js';

export interface ProfiledServers {
  plain: ProfiledRun;
  plainCls: ProfiledRun;
  tenancy: ProfiledRun;
}

const fmt = (value: number) => value.toFixed(0);
const signed = (value: number) => `${value >= 0 ? '+' : ''}${fmt(value)}`;

/**
 * Server CPU per request by bucket for the three servers, with what the CLS
 * context alone adds (plain → plain + CLS) and what the library adds on top of
 * it (plain + CLS → tenancy). Buckets under 1 µs everywhere are left out.
 */
export function profileTable({ plain, plainCls, tenancy }: ProfiledServers): string {
  const rows = BUCKET_NAMES.map((name) => {
    const [a, b, c] = [plain, plainCls, tenancy].map((run) => run.perRequest[name] ?? 0);
    return { name, a, b, c };
  }).filter((row) => Math.max(row.a, row.b, row.c) >= 1);
  const total = (pick: (row: { a: number; b: number; c: number }) => number) => rows.reduce((sum, row) => sum + pick(row), 0);
  return (
    [
      '| where the server CPU goes (self time, µs per request) | plain | plain + nestjs-cls | tenancy | added by CLS alone | added by the library on top of CLS |',
      '|---|---|---|---|---|---|',
      ...[...rows]
        .sort((x, y) => y.c - y.a - (x.c - x.a))
        .map((r) => `| ${r.name} | ${fmt(r.a)} | ${fmt(r.b)} | ${fmt(r.c)} | ${signed(r.b - r.a)} | ${signed(r.c - r.b)} |`),
      `| **total** | ${fmt(total((r) => r.a))} | ${fmt(total((r) => r.b))} | ${fmt(total((r) => r.c))} | ${signed(total((r) => r.b - r.a))} | ${signed(total((r) => r.c - r.b))} |`,
    ].join('\n') + `\n\n${ownCodeNote(tenancy)}`
  );
}

/** The library's own code per request, µs (the target is ≤ 20). */
export function libraryPerRequest(tenancy: ProfiledRun): number {
  return LIBRARY_BUCKETS.reduce((sum, name) => sum + (tenancy.perRequest[name] ?? 0), 0);
}

/** The library's own buckets, named: what it costs apart from the context it runs in. */
function ownCodeNote(tenancy: ProfiledRun): string {
  const own = LIBRARY_BUCKETS.map((name) => [name, tenancy.perRequest[name] ?? 0] as const);
  const total = own.reduce((sum, [, micros]) => sum + micros, 0);
  const parts = own.map(([name, micros]) => `${name.replace('tenancy: ', '')} ${fmt(micros)} µs`).join(', ');
  return `The library's own code runs for ${fmt(total)} µs per request (target ≤ 20 µs: ${total <= 20 ? 'met' : `missed by ${fmt(total - 20)} µs`}; ${parts}). The profiler's overhead inflates every column a little, and single buckets move by several µs between phases on a shared machine: read the large differences, not the totals.`;
}
