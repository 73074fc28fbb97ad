import { EntityMetadata, RelationQueryBuilder, type ObjectLiteral } from 'typeorm';
import { getCurrentTenant, isTenantFilterBypassed } from '../context/tenant-store.js';
import { ownTypeormAdapter } from '../typeorm/adapter/own-typeorm.adapter.js';
import type { TypeormAdapter } from '../typeorm/adapter/typeorm-adapter.js';
import { tenantColumnOf } from '../typeorm/tenant-metadata.js';
import { hasCitusKeys } from './citus-keys.state.js';

let patched = false;

/**
 * Under Citus keys a scoped row's id is (id, tenant). Inside a tenant, an id
 * given alone (`relation(...).of(5)`, `whereInIds([5])`) means that tenant's
 * row, so it is completed with the current tenant, never with another one.
 * Without a tenant or under a bypass the full key is required (TypeORM's
 * own error), because there is no tenant to complete it with.
 */
export function patchCitusIdMaps(): void {
  if (patched) return;
  const typeorm = ownTypeormAdapter();
  patched = true;
  patchCitusRelationOf(typeorm);
  const proto = EntityMetadata.prototype as unknown as { ensureEntityIdMap(this: EntityMetadata, id: unknown): ObjectLiteral };
  const ensureEntityIdMap = proto.ensureEntityIdMap;
  proto.ensureEntityIdMap = function (this: EntityMetadata, id: unknown) {
    const column = tenantColumnOf(this);
    const tenantId = getCurrentTenant();
    if (!column || tenantId === undefined || isTenantFilterBypassed() || !hasCitusKeys(typeorm.dataSourceOf(this))) {
      return ensureEntityIdMap.call(this, id);
    }
    const others = this.primaryColumns.filter((primary) => primary !== column);
    if (typeof id === 'object' && id !== null) {
      return column.getEntityValue(id as ObjectLiteral) === undefined
        ? { ...(id as ObjectLiteral), ...column.createValueMap(tenantId) }
        : (id as ObjectLiteral);
    }
    if (others.length !== 1) return ensureEntityIdMap.call(this, id);
    return { ...others[0].createValueMap(id), ...column.createValueMap(tenantId) };
  };
}

/** `relation(Entity, 'x').of(5)`: the owner's id completed the same way (loadMany reads it as given). */
function patchCitusRelationOf(typeorm: TypeormAdapter): void {
  const proto = RelationQueryBuilder.prototype as unknown as { of(this: RelationQueryBuilder<ObjectLiteral>, entity: unknown): unknown };
  const of = proto.of;
  proto.of = function (this: RelationQueryBuilder<ObjectLiteral>, entity: unknown) {
    const metadata = this.expressionMap.mainAlias?.hasMetadata ? this.expressionMap.mainAlias.metadata : undefined;
    if (!metadata || !tenantColumnOf(metadata) || !hasCitusKeys(typeorm.dataSourceOf(this))) return of.call(this, entity);
    const complete = (id: unknown) => metadata.ensureEntityIdMap(id);
    return of.call(this, Array.isArray(entity) ? entity.map(complete) : complete(entity));
  };
}
