import { readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';

export const REPORT = 'docs/BENCHMARKS.md';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

/** Replaces the block between `<!-- bench:NAME -->` markers, or appends it, leaving other sections alone. */
export async function writeSection(name: string, body: string): Promise<void> {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  let report = await readFile(REPORT, 'utf8').catch(() => '# Benchmarks\n');
  const block = `${open}\n${body.trim()}\n${close}`;
  const start = report.indexOf(open);
  const end = report.indexOf(close);
  report =
    start !== -1 && end !== -1 ? report.slice(0, start) + block + report.slice(end + close.length) : `${report.trimEnd()}\n\n${block}\n`;
  await writeFile(REPORT, report);
}
