import type { QueryRunner } from 'typeorm';
import { hookPgClient, markParameters } from './rls-client.hook.js';
import { endMigrationBypass, migrationBypassOf } from './migration-bypass.js';
import type { PgQueryClass } from '../typeorm/pg-internals.js';
import type { PostgresRunnerInternals } from '../typeorm/postgres-runner-internals.js';
import { CLEARED_SETTING, currentRlsSetting, type RlsSetting } from './rls-session.js';
import { hookRlsStream } from './rls-stream.hook.js';
import { assertContextFits } from '../typeorm/tenant-context.check.js';
import { isTransactionControl } from './session-state.js';

/**
 * Every statement of the runner carries the context's setting in its own
 * round trip (see TenantPrefixedQuery), inside a transaction as well as
 * outside: nothing is remembered between statements, so no transaction
 * control the library did not issue (a user's ROLLBACK TO SAVEPOINT, BEGIN or
 * COMMIT sent through query(), in any spelling or inside a multi-statement
 * string) can leave a statement under another context's setting.
 * - with a tenant or a bypass: that setting, always;
 * - with neither: the cleared setting whenever the server says the session is
 *   inside a transaction block, nothing when it is idle (nothing is set then,
 *   so the policies return no rows);
 * - a bare transaction-control statement reads no rows and is sent as is.
 * A migration's bypassTenantRls counts as a bypass until its TypeORM
 * transaction ends.
 */
export function hookQueryRunner(runner: QueryRunner, Query: PgQueryClass): void {
  const internals = runner as unknown as PostgresRunnerInternals;
  const connect = internals.connect.bind(runner);
  internals.connect = () =>
    connect().then((client) => {
      hookPgClient(client, Query);
      return client;
    });

  const settingOf = (): RlsSetting | undefined => {
    // The policies trust what is sent: a context with other settings than this DataSource's module is checked first.
    assertContextFits(runner.connection);
    return currentRlsSetting() ?? migrationBypassOf(runner);
  };
  const query = internals.query.bind(runner);
  // Not async itself (one promise less per statement); a refused context still rejects, never throws.
  internals.query = (sql, parameters, useStructuredResult) => {
    if (typeof sql === 'string' && isTransactionControl(sql)) return query(sql, parameters, useStructuredResult);
    let setting: RlsSetting | undefined;
    try {
      setting = settingOf();
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const assertion = { setting: setting ?? CLEARED_SETTING, onlyInTransactionBlock: setting === undefined };
    return query(sql, markParameters(parameters, assertion), useStructuredResult);
  };

  for (const method of ['commitTransaction', 'rollbackTransaction'] as const) {
    const end = runner[method].bind(runner);
    runner[method] = () =>
      end().finally(() => {
        if (!runner.isTransactionActive) endMigrationBypass(runner);
      });
  }

  hookRlsStream(internals, query, internals.connect, settingOf);
}
