import { DEFAULT_TENANT_ID_PATTERN } from '../constants.js';
import { stderrAuditSink, type TenantAuditSink } from './tenant-audit.js';

/**
 * What the context functions need to know: how a tenant id looks and where a
 * bypass is audited. They travel with the context (in its CLS store, copied
 * into every nested run), never in a process global: two TenancyModules in
 * one process each open contexts with their own settings, and closing an app
 * leaves nothing behind.
 */
export interface TenantContextSettings {
  readonly tenantIdPattern: RegExp;
  readonly audit: TenantAuditSink;
  /** `true`: a failing audit sink is reported and the bypass runs anyway. Default `false`: the bypass is refused. */
  readonly allowUnauditedBypass: boolean;
  /**
   * Extra audit details of every bypass. On Citus a query without the tenant
   * filter cannot be routed to one shard and runs on every node; a module
   * with `citus: true` adds `{ routing: 'all-shards' }` so such reads are easy to find.
   */
  readonly bypassDetails: Readonly<Record<string, unknown>> | undefined;
  /** Where a sink failure is reported when allowUnauditedBypass lets the bypass run. */
  readonly reportAuditFailure: (message: string) => void;
}

/**
 * A context no TenancyModule opened (a script without Nest, a timer started
 * outside any context). Fail-closed: the default id pattern, bypasses refused
 * when the sink fails. A DataSource bound by a TenancyModule re-checks such a
 * context against its own settings before it runs a statement.
 */
export const DEFAULT_TENANT_CONTEXT_SETTINGS: TenantContextSettings = Object.freeze({
  tenantIdPattern: DEFAULT_TENANT_ID_PATTERN,
  audit: stderrAuditSink,
  allowUnauditedBypass: false,
  bypassDetails: undefined,
  reportAuditFailure: (message: string) => console.error(`[TenancyAudit] ${message}`),
});
