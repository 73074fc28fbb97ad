import { machine, runtimeHeaders, type RuntimeResult } from '../support/report.js';

export const NOOP_TARGET_SECONDS_PER_1000 = 10;

export interface MigrateResult {
  schemas: number;
  concurrency: number;
  provision: { seconds: number; rss: Array<{ schemas: number; rssMiB: number }> };
  noop: { seconds: number; unchanged: number; migrated: number };
  /** A run past 1,000 schemas: the no-op migrate when 1,000 existed (provisioning time excludes it). */
  noopAt1000?: { seconds: number; unchanged: number; migrated: number };
  drift: { seconds: number; unchanged: number; restored: boolean };
  diff: { sample: number; millisPerSchema: number };
  peakRssMiB: number;
}

export function renderMigrate(results: Array<RuntimeResult<MigrateResult>>): string {
  const [{ runtime, result: r }] = results;
  const n = r.schemas.toLocaleString('en');
  const target = (NOOP_TARGET_SECONDS_PER_1000 * r.schemas) / 1000;
  return `## Schema strategy: provisioning and migrating ${n} tenant schemas

Command: \`npm run bench\` (1,000 schemas) or \`npm run bench -- --only migrate --schemas 10000\` (this section:
\`node dist/scripts/bench/strategy/migrate-bench.js\` with BENCH_SCHEMAS, ${runtime} only: the work is in PostgreSQL). Machine: ${machine()}; runtimes: ${runtimeHeaders(results)}.
Each tenant schema holds two tenant tables (\`projects\`, \`products\` with a per-tenant unique index and a foreign key;
entities in \`scripts/bench/schema-data-source.ts\`), created with \`SchemaTenancyManager.createTenantSchema\`,
${r.concurrency} at a time, pool of 5, all in one process.

| step | schemas | wall time | notes |
|---|---|---|---|
| provision (CREATE SCHEMA + tables + indexes + FKs) | ${n} | ${r.provision.seconds.toFixed(1)} s | RSS ${r.provision.rss.map((c) => `${c.rssMiB.toFixed(0)} MiB at ${c.schemas.toLocaleString('en')}`).join(', ')} |
${
  r.noopAt1000
    ? `| \`migrateAll\`, nothing to change | 1,000 | ${r.noopAt1000.seconds.toFixed(1)} s | timed on the way, when the first 1,000 schemas existed: ${r.noopAt1000.unchanged.toLocaleString('en')} matched (target: < ${NOOP_TARGET_SECONDS_PER_1000} s, ${r.noopAt1000.seconds < NOOP_TARGET_SECONDS_PER_1000 ? 'met' : 'missed'}) |\n`
    : ''
}| \`migrateAll\`, nothing to change | ${n} | ${r.noop.seconds.toFixed(1)} s | one schema diffed, ${r.noop.unchanged.toLocaleString('en')} matched its catalog in one query (target for 1,000: < ${NOOP_TARGET_SECONDS_PER_1000} s${r.schemas >= 1000 ? `; here ${r.noop.seconds < target ? 'met' : 'missed'} against ${target.toFixed(0)} s for ${n}` : ''}) |
| \`migrateAll\` after one schema lost its unique index | ${n} | ${r.drift.seconds.toFixed(1)} s | ${r.drift.unchanged.toLocaleString('en')} matched; the drifted schema was diffed and its index ${r.drift.restored ? 'restored (checked)' : 'NOT restored'} |
| TypeORM's schema diff per schema (what every schema cost before) | ${r.diff.sample} | ${r.diff.millisPerSchema.toFixed(1)} ms per schema | ${((r.diff.millisPerSchema * r.schemas) / 1000 / r.concurrency).toFixed(0)} s for ${n} at concurrency ${r.concurrency}, if the diffs overlapped perfectly |

Peak RSS of the whole run: ${r.peakRssMiB.toFixed(0)} MiB. No DataSource, pool or metadata copy exists per tenant; the schema is
resolved per statement from the tenant context, so memory stays flat as schemas are added (the checkpoints above).`;
}
