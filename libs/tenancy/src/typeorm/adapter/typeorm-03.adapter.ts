import type { DataSource, ObjectLiteral } from 'typeorm';
import { typeormInternals } from './tenancy-internals.manifest.js';
import type { TypeormAdapter } from './typeorm-adapter.js';

interface Owned {
  connection: DataSource;
}

interface NativeParameters {
  connection: DataSource;
  expressionMap: { nativeParameters: ObjectLiteral };
}

interface Escaping {
  escapeQueryWithParameters(sql: string, parameters: ObjectLiteral, nativeParameters: ObjectLiteral): [string, unknown[]];
}

const escape = (dataSource: DataSource, sql: string, parameters: ObjectLiteral, nativeParameters: ObjectLiteral = {}) =>
  (dataSource.driver as unknown as Escaping).escapeQueryWithParameters(sql, parameters, nativeParameters);

/**
 * typeorm 0.3 (from 0.3.20): query builders, EntityManager, query runners,
 * schema builders and subscriber events name their DataSource `connection`
 * (there is no `dataSource` member), escapeQueryWithParameters reads the
 * builder's native parameters as a third argument, and there is no
 * INSERT ... SELECT (InsertQueryBuilder.valuesFromSelect is 1.x only).
 */
export const TYPEORM_03_ADAPTER: TypeormAdapter = {
  line: '0.3',
  range: '^0.3.20',
  internals: typeormInternals('connection'),
  dataSourceOf: (holder) => (holder as Owned).connection,
  escapeBuilderQuery: (queryBuilder, sql, parameters) => {
    const builder = queryBuilder as NativeParameters;
    return escape(builder.connection, sql, parameters, builder.expressionMap.nativeParameters);
  },
  insertsFromSelect: () => false,
  escapeQuery: (dataSource, sql, parameters) => escape(dataSource, sql, parameters),
};
