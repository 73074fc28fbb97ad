import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';

/**
 * Shared by every benchmark. A benchmark process measures on the Node that
 * runs it and saves its figures as JSON (`saveResult`); the orchestrator
 * (run.ts) runs it once per Node line and renders one section of the report
 * from all of them, so that each runtime's ratios sit side by side, each
 * against its own baseline measured in the same process tree.
 */
export const REPORT = process.env.BENCH_REPORT ?? 'docs/BENCHMARKS.md';

/** `--quick` (BENCH_QUICK=1): fewer, shorter rounds, for development; its report goes to a scratch file. */
export const QUICK = process.env.BENCH_QUICK === '1';

/** CPU profiles (--cpu-prof runs): on unless BENCH_PROFILE=0 (the orchestrator profiles the primary runtime only). */
export const PROFILE = process.env.BENCH_PROFILE !== '0';

/** A duration or count that `--quick` shrinks. */
export function scaled(full: number, quick: number): number {
  return QUICK ? quick : full;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The median of round-by-round ratios (`over[i] / under[i]`, both measured in
 * round i): load drifting between rounds cancels out, where a ratio of two
 * medians taken in different rounds would mix it in.
 */
export function medianRoundRatio(over: number[], under: number[]): number {
  return median(over.map((value, round) => value / under[round]));
}

/** The lowest and highest of the rounds' own ratios: how far this run's noise moved one cell. */
export function roundRatioRange(over: number[], under: number[]): [number, number] {
  const ratios = over.map((value, round) => value / under[round]);
  return [Math.min(...ratios), Math.max(...ratios)];
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function geomean(values: number[]): number {
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
}

/** The machine, without the Node version: each runtime column names its own. */
export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`;
}

/** `Node 24.22.3` for this process. */
export const runtimeLabel = (version = process.version) => `Node ${version.replace(/^v/, '')}`;

/** What one benchmark process saved: its runtime and its own figures. */
export interface RuntimeResult<T> {
  runtime: string;
  result: T;
}

/** Called by a benchmark process: its figures, for the orchestrator to render (BENCH_OUT). */
export async function saveResult(result: unknown): Promise<void> {
  const out = process.env.BENCH_OUT;
  if (!out) return;
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify({ runtime: runtimeLabel(), result } satisfies RuntimeResult<unknown>));
}

export async function loadResult<T>(file: string): Promise<RuntimeResult<T> | undefined> {
  return readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as RuntimeResult<T>,
    () => undefined,
  );
}

/** Replaces the block between `<!-- bench:NAME -->` markers, or appends it, leaving other sections alone. */
export async function writeSection(name: string, body: string, report = REPORT): Promise<void> {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  let text = await readFile(report, 'utf8').catch(() => '# Benchmarks\n');
  const block = `${open}\n${body.trim()}\n${close}`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  text = start !== -1 && end !== -1 ? text.slice(0, start) + block + text.slice(end + close.length) : `${text.trimEnd()}\n\n${block}\n`;
  await mkdir(dirname(report), { recursive: true });
  await writeFile(report, text);
}

/** A ratio cell with its verdict against `target` (`max`: lower is better, else higher is better). */
export function verdictCell(ratio: number, target: number, kind: 'max' | 'min'): string {
  if (!Number.isFinite(ratio)) return '-';
  const met = kind === 'max' ? ratio <= target : ratio >= target;
  return `${ratio.toFixed(3)} ${met ? '(met)' : '(missed)'}`;
}

/** Runs `fn` in a markdown table's cells for each runtime: `| a | b |` pieces in runtime order. */
export function perRuntime<T>(results: Array<RuntimeResult<T>>, fn: (result: T) => string): string {
  return results.map((r) => fn(r.result)).join(' | ');
}

/** `Node 24.22.3 (primary) | Node 20.20.2` header cells, one per runtime. */
export function runtimeHeaders(results: Array<RuntimeResult<unknown>>, suffix = ''): string {
  return results.map((r, i) => `${r.runtime}${i === 0 ? ' (primary)' : ''}${suffix}`).join(' | ');
}
