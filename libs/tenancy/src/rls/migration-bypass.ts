import type { RlsSetting } from './rls-session.js';

/** The setting bypassTenantRls opens the migration's transaction with. */
const MIGRATION_BYPASS: RlsSetting = { tenantId: '', bypass: true };

/**
 * Query runners whose TypeORM transaction bypassTenantRls opened to every
 * row. On a runner with the session hook, every statement with no tenant
 * asserts the cleared setting inside a transaction block, which would undo a
 * bypass sent as a statement of its own; the hook asserts this one instead,
 * until TypeORM's transaction ends (see hookQueryRunner).
 */
const bypassed = new WeakSet<object>();

export function markMigrationBypass(runner: object): void {
  bypassed.add(runner);
}

export function endMigrationBypass(runner: object): void {
  bypassed.delete(runner);
}

/** The migration bypass in force on `runner`, if its transaction is still open. */
export function migrationBypassOf(runner: { isTransactionActive: boolean }): RlsSetting | undefined {
  return runner.isTransactionActive && bypassed.has(runner) ? MIGRATION_BYPASS : undefined;
}
