import { getCurrentTenant, isTenantFilterBypassed } from '../context/tenant-store.js';
import { RLS_BYPASS_ON, RLS_BYPASS_SETTING, RLS_TENANT_SETTING } from './rls-settings.js';

/** What the policies must see for one statement. */
export interface RlsSetting {
  tenantId: string;
  bypass: boolean;
}

/** Written for a statement with no tenant inside a transaction block, where an earlier statement may have set one. */
export const CLEARED_SETTING: RlsSetting = { tenantId: '', bypass: false };

/**
 * The setting the current context asks for; undefined when there is neither a
 * tenant nor a bypass, which needs nothing sent on an idle session: an unset
 * setting already gives zero rows.
 */
export function currentRlsSetting(): RlsSetting | undefined {
  const bypass = isTenantFilterBypassed();
  const tenantId = getCurrentTenant();
  if (!bypass && tenantId === undefined) return undefined;
  return { tenantId: tenantId ?? '', bypass };
}

/** `is_local = true`: the values end with the transaction, so a pooled connection never keeps them. */
export const SET_RLS_SQL = `SELECT set_config('${RLS_TENANT_SETTING}', $1, true), set_config('${RLS_BYPASS_SETTING}', $2, true)`;

export function setRlsValues(setting: RlsSetting): [string, string] {
  return [setting.tenantId, setting.bypass ? RLS_BYPASS_ON : 'off'];
}

/** SET_RLS_SQL with inlined literals, for the simple protocol (which takes no parameters). */
export function setRlsSqlLiteral(setting: RlsSetting, escapeLiteral: (value: string) => string): string {
  const [tenantId, bypass] = setRlsValues(setting).map(escapeLiteral);
  return `SELECT set_config('${RLS_TENANT_SETTING}', ${tenantId}, true), set_config('${RLS_BYPASS_SETTING}', ${bypass}, true)`;
}
