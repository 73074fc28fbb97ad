import { QueryBuilder, type DataSource } from 'typeorm';
import { getCurrentTenant, isTenantFilterBypassed } from '../context/tenant-store.js';
import { TenantIsolationError } from '../errors/tenant-isolation.error.js';
import type { TypeormAdapter } from './adapter/typeorm-adapter.js';
import { tenancyOptionsFor } from './tenancy-data-source.registry.js';

/**
 * Named parameter bound at execution: 1 when the context then may read every
 * tenant (a bypass, or no tenant with `onMissingTenant: 'unfiltered'`), else 0.
 */
const UNFILTERED_PARAMETER = 'tenancy_unfiltered';
const UNFILTERED_REFERENCE = `:${UNFILTERED_PARAMETER}`;

/**
 * What stands for the tenant condition of a scoped alias built where no
 * filter applies. A statement's own SQL is built when it runs, but a subquery
 * (`from(qb => ...)`, `subQuery().getQuery()`, `whereExists(qb)`) is built
 * when it is written: without a mark, one written inside a bypass would run
 * unfiltered inside a tenant later. The mark makes the statement that carries
 * it decide at execution time.
 */
export const UNFILTERED_MARK = `1 = ${UNFILTERED_REFERENCE}`;

function allowsUnfiltered(dataSource: DataSource): boolean {
  if (isTenantFilterBypassed()) return true;
  return getCurrentTenant() === undefined && tenancyOptionsFor(dataSource).onMissingTenant === 'unfiltered';
}

type Proto = Record<string, (...args: never[]) => unknown>;

export function patchLateContext(typeorm: TypeormAdapter): void {
  const base = QueryBuilder.prototype as unknown as Proto;
  // TypeORM's own three lines, with the check between building and binding:
  // every execute(), getMany(), stream() and getSql() goes through here.
  base.getQueryAndParameters = function (this: QueryBuilder<never>) {
    const query = this.getQuery();
    const parameters = this.getParameters();
    if (query.includes(UNFILTERED_REFERENCE) && parameters[UNFILTERED_PARAMETER] !== 1) {
      if (getCurrentTenant() === undefined) throw TenantIsolationError.required('a query whose subquery was built inside a bypass');
      throw new TenantIsolationError(
        'TENANT_UNSUPPORTED_QUERY',
        'This query embeds a subquery built inside bypassTenantFilter() (so without the tenant filter) and now runs inside a tenant. Build the subquery where the query runs, or run the whole query inside the bypass.',
      );
    }
    return typeorm.escapeBuilderQuery(this, query, parameters);
  };

  // Always overwritten, like the tenant: a caller's own value must not open the mark.
  const getParameters = base.getParameters as () => Record<string, unknown>;
  base.getParameters = function (this: QueryBuilder<never>) {
    const parameters = getParameters.call(this);
    parameters[UNFILTERED_PARAMETER] = allowsUnfiltered(typeorm.dataSourceOf(this)) ? 1 : 0;
    return parameters;
  };
}
