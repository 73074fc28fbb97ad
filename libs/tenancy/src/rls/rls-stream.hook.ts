import { inExplicitTransaction, type PostgresRunnerInternals, type RunnerRlsState } from './postgres-runner-internals.js';
import { CLEARED_SETTING, currentRlsSetting, SET_RLS_SQL, setRlsSqlLiteral, setRlsValues, settingKey } from './rls-session.js';
import { quoteLiteral } from './sql-literal.js';

type Query = PostgresRunnerInternals['query'];
type Callback = (...args: unknown[]) => void;

/**
 * A stream reads through a cursor over many round trips, so a prefix on one
 * message cannot cover it. Inside a transaction the setting is applied first;
 * outside, the stream gets a transaction of its own (opened together with the
 * setting in one round trip) that ends, on end, error or an abandoned stream,
 * before TypeORM's callbacks release the connection to the pool.
 */
export function hookRlsStream(runner: PostgresRunnerInternals, query: Query, state: RunnerRlsState): void {
  const stream = runner.stream.bind(runner);
  runner.stream = async (sql, parameters, onEnd, onError) => {
    const setting = currentRlsSetting();
    const key = settingKey(setting);
    if (inExplicitTransaction(runner)) {
      if (state.applied !== key) {
        await query(SET_RLS_SQL, setRlsValues(setting ?? CLEARED_SETTING));
        state.applied = key;
      }
      return stream(sql, parameters, onEnd, onError);
    }
    if (key === '' || setting === undefined) return stream(sql, parameters, onEnd, onError);

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
