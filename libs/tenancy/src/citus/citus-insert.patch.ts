import { InsertQueryBuilder, InsertResult, type ObjectLiteral } from 'typeorm';
import { getCurrentTenant, isTenantFilterBypassed } from '../context/tenant-store.js';
import { ownTypeormAdapter } from '../typeorm/adapter/own-typeorm.adapter.js';
import type { TypeormAdapter } from '../typeorm/adapter/typeorm-adapter.js';
import { internals } from '../typeorm/query-builder-internals.js';
import { tenantColumnOf } from '../typeorm/tenant-metadata.js';
import { hasCitusKeys } from './citus-keys.state.js';

let patched = false;

/** The tenants a multi-row insert writes, when its entity is scoped. */
function tenantsOf(typeorm: TypeormAdapter, queryBuilder: object): Set<unknown> | undefined {
  const qb = internals(queryBuilder);
  const map = qb.expressionMap;
  const metadata = map.mainAlias?.hasMetadata ? map.mainAlias.metadata : undefined;
  const column = tenantColumnOf(metadata);
  if (!column || typeorm.insertsFromSelect(map) || !hasCitusKeys(typeorm.dataSourceOf(queryBuilder))) return undefined;
  const valueSets = qb.getValueSets();
  if (valueSets.length < 2) return undefined;
  return new Set(valueSets.map((valueSet) => column.getEntityValue(valueSet)));
}

/**
 * Citus runs a multi-row INSERT as one task per shard and returns the
 * RETURNING rows shard by shard, not in VALUES order; TypeORM maps them back
 * by position, so a bulk save spanning tenants (under a bypass) would give
 * entities each other's generated ids. Such an insert runs one row at a time;
 * one tenant's rows share a shard and keep their order.
 */
export function patchCitusMultiTenantInsert(): void {
  if (patched) return;
  const typeorm = ownTypeormAdapter();
  patched = true;
  const proto = InsertQueryBuilder.prototype as unknown as { execute(this: InsertQueryBuilder<ObjectLiteral>): Promise<InsertResult> };
  const execute = proto.execute;
  proto.execute = async function (this: InsertQueryBuilder<ObjectLiteral>) {
    const tenants = tenantsOf(typeorm, this);
    // Inside a tenant, rows of several tenants are refused as a whole by the
    // insert guard before any SQL: never split them into partial writes.
    const crossTenant = getCurrentTenant() === undefined || isTenantFilterBypassed();
    if (!tenants || tenants.size < 2 || !crossTenant) return execute.call(this);
    const combined = new InsertResult();
    for (const valueSet of internals(this).getValueSets()) {
      const one = await execute.call(this.clone().values(valueSet));
      combined.identifiers.push(...one.identifiers);
      combined.generatedMaps.push(...one.generatedMaps);
      combined.raw = [...(Array.isArray(combined.raw) ? combined.raw : []), ...(Array.isArray(one.raw) ? one.raw : [one.raw])];
    }
    return combined;
  };
}
