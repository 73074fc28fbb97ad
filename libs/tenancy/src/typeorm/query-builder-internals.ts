import type { ObjectLiteral } from 'typeorm';
import type { QueryExpressionMap } from 'typeorm/query-builder/QueryExpressionMap.js';

/**
 * The protected members of TypeORM's query builders that the tenancy patches
 * use, those that 0.3 and 1.x share. The builder's DataSource differs by
 * line: read it through the TypeORM adapter (adapter/typeorm-adapter.ts).
 * adapter/tenancy-internals.manifest.ts lists them for the bind-time check.
 */
export interface QueryBuilderInternals {
  readonly expressionMap: QueryExpressionMap;
  escape(name: string): string;
  getValueSets(): ObjectLiteral[];
}

export const internals = (queryBuilder: unknown) => queryBuilder as QueryBuilderInternals;
