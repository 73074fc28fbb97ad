import type { QueryRunner } from 'typeorm';
import { hookPgClient, markParameters } from './rls-client.hook.js';
import type { PgQueryClass } from './pg-internals.js';
import { inExplicitTransaction, type PostgresRunnerInternals, type RunnerRlsState } from './postgres-runner-internals.js';
import { CLEARED_SETTING, currentRlsSetting, settingKey } from './rls-session.js';
import { hookRlsStream } from './rls-stream.hook.js';

/** TypeORM's own transaction statements: never prefixed, and they end or blur what was applied. */
const CONTROL =
  /^(?:START TRANSACTION$|SET TRANSACTION |SAVEPOINT typeorm_|RELEASE SAVEPOINT typeorm_|ROLLBACK TO SAVEPOINT typeorm_|COMMIT$|ROLLBACK$)/;

/**
 * Every statement of the runner runs under the context's tenant setting:
 * - outside a transaction, each statement with a tenant or bypass carries its
 *   own set_config in the same round trip (see TenantPrefixedQuery);
 * - inside one, the first statement carries it and the rest reuse it until
 *   the context changes (a nested runWithTenant, a bypass, a cleared tenant);
 * - with no tenant and no bypass outside a transaction nothing is added: the
 *   setting is unset, so the policies return no rows.
 */
export function hookQueryRunner(runner: QueryRunner, Query: PgQueryClass): void {
  const internals = runner as unknown as PostgresRunnerInternals;
  const state: RunnerRlsState = { applied: '' };
  const connect = internals.connect.bind(runner);
  internals.connect = () =>
    connect().then((client) => {
      hookPgClient(client, Query);
      return client;
    });

  const query = internals.query.bind(runner);
  internals.query = async (sql, parameters, useStructuredResult) => {
    const control = typeof sql === 'string' ? CONTROL.exec(sql)?.[0] : undefined;
    if (control !== undefined) {
      const result = await query(sql, parameters, useStructuredResult);
      if (control.startsWith('ROLLBACK TO')) state.applied = undefined;
      else if (control === 'START TRANSACTION' || control === 'COMMIT' || control === 'ROLLBACK') state.applied = '';
      return result;
    }
    const setting = currentRlsSetting();
    const key = settingKey(setting);
    const inTransaction = inExplicitTransaction(internals);
    if (inTransaction ? state.applied === key : key === '') return query(sql, parameters, useStructuredResult);
    if (inTransaction) state.applied = key;
    return query(sql, markParameters(parameters, setting ?? CLEARED_SETTING), useStructuredResult);
  };

  hookRlsStream(internals, query, state);
}
