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
}

const config: TenantContextConfig = {
  tenantIdPattern: DEFAULT_TENANT_ID_PATTERN,
  audit: new LoggerAuditSink(),
  allowUnauditedBypass: false,
};

export function tenantContextConfig(): Readonly<TenantContextConfig> {
  return config;
}

export function configureTenantContext(update: Partial<TenantContextConfig>): void {
  Object.assign(config, update);
}
