import type { DataSource, ObjectLiteral } from 'typeorm';
import type { QueryExpressionMap } from 'typeorm/query-builder/QueryExpressionMap.js';
import type { JoinAttribute } from 'typeorm/query-builder/JoinAttribute.js';

/**
 * The protected members of TypeORM's query builders that the tenancy patches
 * use. Kept in one place so that a TypeORM upgrade (or a 0.3 compatibility
 * layer) has one file to check; tenancy-internals.manifest.ts lists them for
 * the bind-time check.
 */
export interface QueryBuilderInternals {
  readonly dataSource: DataSource;
  readonly expressionMap: QueryExpressionMap;
  escape(name: string): string;
  getValueSets(): ObjectLiteral[];
}

export interface JoinTree {
  joinAttribute: JoinAttribute;
  children: JoinTree[];
}

export const internals = (queryBuilder: unknown) => queryBuilder as QueryBuilderInternals;
