import type { PgClient, PgQueryClass } from '../typeorm/pg-internals.js';
import type { RlsSetting } from './rls-session.js';
import { sessionIdle } from './session-state.js';
import { tenantPrefixedQueryClass } from './tenant-prefixed-query.js';

/** What one statement must run under. */
export interface RlsAssertion {
  setting: RlsSetting;
  /**
   * Only when the session is inside a transaction block: a statement with no
   * tenant needs nothing on an idle session (nothing is set), but inside a
   * block it must clear whatever an earlier statement of the block set.
   */
  onlyInTransactionBlock: boolean;
}

const HOOKED = Symbol.for('tenancy:rls-client');
/**
 * Settings travel from the query runner to the pg client on the parameter
 * array TypeORM passes through unchanged, as a property under this module's
 * own symbol: nothing is shared per client, so concurrent statements on one
 * client cannot swap settings. A property rather than a WeakMap entry: one
 * entry per statement costs a hash insert and ephemeron work in every GC
 * (marking in a loop: 1.2 µs against 0.5 µs per statement on Node 24). Not
 * enumerable, so that logs and errors that print the parameters omit it.
 */
const ASSERTION = Symbol('tenancy:rls-assertion');
type MarkedParameters = unknown[] & { readonly [ASSERTION]?: RlsAssertion };

/** A copy of the parameters that makes the client prefix the statement as `assertion` says. */
export function markParameters(parameters: unknown[] | undefined, assertion: RlsAssertion): unknown[] {
  const marked = parameters ? [...parameters] : [];
  Object.defineProperty(marked, ASSERTION, { value: assertion });
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
    const assertion = Array.isArray(values) ? (values as MarkedParameters)[ASSERTION] : undefined;
    if (assertion === undefined || typeof config !== 'string' || callback !== undefined) {
      return query.call(this, config, values, callback);
    }
    const needed = () => !assertion.onlyInTransactionBlock || !sessionIdle(this);
    return new Promise((resolve, reject) => {
      const prefixed = new Prefixed(assertion.setting, needed, config, values as unknown[], (error, result) =>
        error ? reject(error) : resolve(result),
      );
      query.call(this, prefixed);
    });
  };
}
