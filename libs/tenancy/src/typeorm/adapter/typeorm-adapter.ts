import type { DataSource, ObjectLiteral } from 'typeorm';
import type { InternalsHolder, TypeormHolderKey } from './tenancy-internals.manifest.js';

/** A TypeORM release line whose internals the library is written against. */
export type TypeormLine = '0.3' | '1.x';

/**
 * Everything the library reads from TypeORM that differs between the lines
 * it supports. The patches and guards reach TypeORM only through members the
 * lines share, and through this. One adapter is picked per typeorm copy, from
 * that copy's version (typeorm-adapter.select.ts).
 */
export interface TypeormAdapter {
  readonly line: TypeormLine;
  /** The releases of this line the library is proven on, as an npm range. */
  readonly range: string;
  /** What the bind-time preflight checks on a DataSource of this line. */
  readonly internals: Record<TypeormHolderKey, InternalsHolder>;
  /**
   * The DataSource of a query builder, EntityManager, query runner, schema
   * builder or subscriber event: `dataSource` on 1.x, `connection` on 0.3.
   */
  dataSourceOf(holder: object): DataSource;
  /**
   * The driver's escapeQueryWithParameters, for a query builder's SQL:
   * 0.3 also takes the builder's native parameters (and fails without them).
   */
  escapeBuilderQuery(queryBuilder: object, sql: string, parameters: ObjectLiteral): [string, unknown[]];
  /**
   * Whether an INSERT builder's rows come from a SELECT (`valuesFromSelect`,
   * 1.x only): rows the guards cannot inspect one by one. Always false on 0.3,
   * which has no such path.
   */
  insertsFromSelect(expressionMap: object): boolean;
  /** The same for SQL that is not a builder's (a migration's statement). */
  escapeQuery(dataSource: DataSource, sql: string, parameters: ObjectLiteral): [string, unknown[]];
}
