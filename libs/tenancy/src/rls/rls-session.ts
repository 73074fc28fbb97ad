import { getCurrentTenant, isTenantFilterBypassed } from '../context/tenant-store.js';
import { RLS_BYPASS_ON, RLS_BYPASS_SETTING, RLS_TENANT_SETTING } from './rls-settings.js';

/** What the policies must see for one statement. */
export interface RlsSetting {
  tenantId: string;
  bypass: boolean;
}

/** Written inside a transaction whose earlier statements ran under another tenant. */
export const CLEARED_SETTING: RlsSetting = { tenantId: '', bypass: false };

/**
 * The setting the current context asks for; undefined when there is neither a
 * tenant nor a bypass, which needs nothing sent: an unset setting already
 * gives zero rows.
 */
export function currentRlsSetting(): RlsSetting | undefined {
  const bypass = isTenantFilterBypassed();
  const tenantId = getCurrentTenant();
  if (!bypass && tenantId === undefined) return undefined;
  return { tenantId: tenantId ?? '', bypass };
}

/** Equal keys mean equal settings; '' is "nothing set". */
export function settingKey(setting: RlsSetting | undefined): string {
  if (setting === undefined || (!setting.bypass && setting.tenantId === '')) return '';
  return `${setting.bypass ? 'bypass' : 'tenant'}:${setting.tenantId}`;
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
