import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { median } from './report.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a sampled frame's own time goes; first match wins. */
const BUCKETS: Array<[string, (url: string, fn: string) => boolean]> = [
  ['(idle)', (_url, fn) => fn === '(idle)'],
  ['garbage collection', (_url, fn) => fn === '(garbage collector)'],
  // The library's own code, by layer (`http/` is `transport/` after the restructure).
  ['tenancy: guard, resolvers, decision', (url) => /\/libs\/tenancy\/dist\/(http|transport|nest)\//.test(url)],
  ['tenancy: context store', (url) => url.includes('/libs/tenancy/dist/context/')],
  ['tenancy: RLS session hook', (url) => url.includes('/libs/tenancy/dist/rls/')],
  ['tenancy: schema strategy', (url) => url.includes('/libs/tenancy/dist/schema/')],
  ['tenancy: TypeORM filter', (url) => url.includes('/libs/tenancy/dist/')],
  ['nestjs-cls', (url) => url.includes('/node_modules/nestjs-cls/')],
  ['AsyncLocalStorage / async_hooks', (url) => /node:(internal\/)?async_(hooks|local_storage)/.test(url)],
  ['jose (JWT verify)', (url) => url.includes('/node_modules/jose/')],
  ['TypeORM', (url) => url.includes('/node_modules/typeorm/')],
  ['pg driver', (url) => /\/node_modules\/pg(-[a-z]+)?\//.test(url)],
  ['better-sqlite3', (url) => url.includes('/node_modules/better-sqlite3/')],
  ['Nest core', (url) => url.includes('/node_modules/@nestjs/')],
  [
    'Express and its middleware',
    (url) => /\/node_modules\/(express|router|body-parser|finalhandler|send|qs|raw-body|type-is|on-finished)\//.test(url),
  ],
  ['Node internals (http, net, streams, timers)', (url) => url.startsWith('node:')],
  ['native / other', () => true],
];

function bucketOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  return BUCKETS.find(([, match]) => match(url, functionName))![0];
}

/**
 * Self time per bucket, in µs, of the one .cpuprofile written into `dir`,
 * counting only the samples taken in [from, to] (the process's monotonic
 * clock, which V8 stamps samples with): start-up and warm-up are left out.
 *
 * Each sample counts for one sampling interval (the median gap between the
 * window's samples), not for the wall-clock gap before it. While the process
 * is descheduled (a shared machine: the load generator, PostgreSQL, other
 * work) no sample is taken, and the first one after it would otherwise be
 * charged the whole gap, up to tens of milliseconds, to whatever function it
 * happened to catch: under load that doubled every bucket and moved single
 * ones by several µs per request between phases.
 */
export async function profileBuckets(dir: string, from = 0, to = Infinity): Promise<Map<string, number>> {
  const file = (await readdir(dir)).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile;
  const bucketById = new Map(profile.nodes.map((node) => [node.id, bucketOf(node)]));
  const counts = new Map<string, number>(BUCKETS.map(([name]) => [name, 0]));
  const gaps: number[] = [];
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const gap = profile.timeDeltas[i] ?? 0;
    at += gap;
    if (at < from || at > to) return;
    gaps.push(gap);
    const bucket = bucketById.get(id) ?? 'native / other';
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
  });
  const interval = median(gaps);
  const totals = new Map([...counts].map(([name, count]) => [name, gaps.length ? count * interval : 0]));
  totals.delete('(idle)');
  return totals;
}

export const BUCKET_NAMES = BUCKETS.map(([name]) => name).filter((name) => name !== '(idle)');

/** The library's own buckets (`tenancy: …`). */
export const LIBRARY_BUCKETS = BUCKET_NAMES.filter((name) => name.startsWith('tenancy:'));

/** The sum of the library's own buckets. */
export function libraryMicros(perUnit: Map<string, number>): number {
  return LIBRARY_BUCKETS.reduce((sum, name) => sum + (perUnit.get(name) ?? 0), 0);
}
