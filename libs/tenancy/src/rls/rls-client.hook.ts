import type { PgClient, PgQueryClass } from './pg-internals.js';
import type { RlsSetting } from './rls-session.js';
import { tenantPrefixedQueryClass } from './tenant-prefixed-query.js';

const HOOKED = Symbol.for('tenancy:rls-client');
/**
 * Settings travel from the query runner to the pg client on the identity of
 * the parameter array TypeORM passes through unchanged: nothing is shared per
 * client, so concurrent statements on one client cannot swap settings.
 */
const pending = new WeakMap<unknown[], RlsSetting>();

/** A copy of the parameters that makes the client prefix the statement with `setting`. */
export function markParameters(parameters: unknown[] | undefined, setting: RlsSetting): unknown[] {
  const marked = parameters ? [...parameters] : [];
  pending.set(marked, setting);
  return marked;
}

/**
 * Once per pooled pg client: statements with marked parameters are sent as a
 * TenantPrefixedQuery; every other call is untouched.
 */
export function hookPgClient(client: PgClient, Query: PgQueryClass): void {
  const target = client as PgClient & { [HOOKED]?: true };
  if (target[HOOKED]) return;
  target[HOOKED] = true;
  const Prefixed = tenantPrefixedQueryClass(Query);
  const query = client.query;
  client.query = function (this: PgClient, config: unknown, values?: unknown, callback?: unknown) {
    const setting = Array.isArray(values) ? pending.get(values) : undefined;
    if (setting === undefined || typeof config !== 'string' || callback !== undefined) {
      return query.call(this, config, values, callback);
    }
    return new Promise((resolve, reject) => {
      const prefixed = new Prefixed(setting, config, values as unknown[], (error, result) => (error ? reject(error) : resolve(result)));
      query.call(this, prefixed);
    });
  };
}
