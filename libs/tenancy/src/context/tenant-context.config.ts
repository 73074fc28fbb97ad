import { DEFAULT_TENANT_ID_PATTERN } from '../constants.js';
import { LoggerAuditSink, type TenantAuditSink } from './tenant-audit.js';

/**
 * Process-wide settings of the tenant context. The context functions are free
 * functions usable from scripts without Nest, so their settings cannot come
 * from DI; TenancyModule writes them once at start-up.
 */
export interface TenantContextConfig {
  tenantIdPattern: RegExp;
  audit: TenantAuditSink;
  /** `true`: a failing audit sink is logged and the bypass runs anyway. Default `false`: the bypass is refused. */
  allowUnauditedBypass: boolean;
  /**
   * Extra audit details of every bypass. On Citus a query without the tenant
   * filter cannot be routed to one shard and runs on every node; the Citus
   * layer sets `{ routing: 'all-shards' }` so such reads are easy to find.
   */
  bypassDetails: Readonly<Record<string, unknown>> | undefined;
}

const config: TenantContextConfig = {
  tenantIdPattern: DEFAULT_TENANT_ID_PATTERN,
  audit: new LoggerAuditSink(),
  allowUnauditedBypass: false,
  bypassDetails: undefined,
};

export function tenantContextConfig(): Readonly<TenantContextConfig> {
  return config;
}

export function configureTenantContext(update: Partial<TenantContextConfig>): void {
  Object.assign(config, update);
}
