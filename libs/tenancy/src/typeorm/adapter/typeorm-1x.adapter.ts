import type { DataSource, ObjectLiteral } from 'typeorm';
import { typeormInternals } from './tenancy-internals.manifest.js';
import type { TypeormAdapter } from './typeorm-adapter.js';

interface Owned {
  dataSource: DataSource;
}

interface Escaping {
  escapeQueryWithParameters(sql: string, parameters: ObjectLiteral): [string, unknown[]];
}

const escape = (dataSource: DataSource, sql: string, parameters: ObjectLiteral) =>
  (dataSource.driver as unknown as Escaping).escapeQueryWithParameters(sql, parameters);

/** typeorm 1.x: objects name their DataSource `dataSource` (`connection` is a deprecated getter). */
export const TYPEORM_1X_ADAPTER: TypeormAdapter = {
  line: '1.x',
  range: '^1.1.1',
  internals: typeormInternals('dataSource'),
  dataSourceOf: (holder) => (holder as Owned).dataSource,
  escapeBuilderQuery: (queryBuilder, sql, parameters) => escape((queryBuilder as Owned).dataSource, sql, parameters),
  insertsFromSelect: (expressionMap) => Boolean((expressionMap as { insertFromSelect?: unknown }).insertFromSelect),
  escapeQuery: escape,
};
