import { inExplicitTransaction, type PostgresRunnerInternals } from '../typeorm/postgres-runner-internals.js';
import { CLEARED_SETTING, SET_RLS_SQL, setRlsSqlLiteral, setRlsValues, type RlsSetting } from './rls-session.js';
import { sessionIdle } from './session-state.js';
import { quoteLiteral } from './sql-literal.js';

type Query = PostgresRunnerInternals['query'];
type Connect = PostgresRunnerInternals['connect'];
type Callback = (...args: unknown[]) => void;

/**
 * A stream reads through a cursor over many round trips, so a prefix on one
 * message cannot cover it. Inside a transaction block (TypeORM's, or one the
 * server reports, opened by SQL the library did not issue) the setting is
 * asserted first, every time: a savepoint rollback may have undone the last
 * one. On an idle session, the stream gets a transaction of its own (opened
 * together with the setting in one round trip) that ends, on end, error or an
 * abandoned stream, before TypeORM's callbacks release the connection.
 */
export function hookRlsStream(
  runner: PostgresRunnerInternals,
  query: Query,
  connect: Connect,
  settingOf: () => RlsSetting | undefined,
): void {
  const stream = runner.stream.bind(runner);
  runner.stream = async (sql, parameters, onEnd, onError) => {
    const setting = settingOf();
    if (inExplicitTransaction(runner) || !sessionIdle(await connect())) {
      await query(SET_RLS_SQL, setRlsValues(setting ?? CLEARED_SETTING));
      return stream(sql, parameters, onEnd, onError);
    }
    if (setting === undefined) return stream(sql, parameters, onEnd, onError);

    await query(`START TRANSACTION;\n${setRlsSqlLiteral(setting, quoteLiteral)}`);
    let open = true;
    const finish =
      (statement: 'COMMIT' | 'ROLLBACK', callback?: Callback): Callback =>
      (...args) => {
        if (!open) return;
        open = false;
        query(statement)
          .catch(() => undefined)
          .finally(() => callback?.(...args));
      };
    try {
      const result = (await stream(sql, parameters, finish('COMMIT', onEnd), finish('ROLLBACK', onError))) as {
        on(event: 'close', listener: Callback): unknown;
      };
      result.on('close', finish('ROLLBACK', onError));
      return result;
    } catch (error) {
      finish('ROLLBACK')();
      throw error;
    }
  };
}
