import type { EntitySubscriberInterface, InsertEvent, ObjectLiteral, RemoveEvent, UpdateEvent } from 'typeorm';
import type { EntityMetadata } from 'typeorm';
import { tenantColumnOf } from '../typeorm/tenant-metadata.js';
import { resolveTenantScope } from '../typeorm/tenant-scope.js';
import { stampTenant } from '../typeorm/tenant-stamp.js';

const isObject = (value: unknown): value is ObjectLiteral => typeof value === 'object' && value !== null && !(value instanceof Promise);

/**
 * Under Citus keys a scoped entity's key is (id, tenant), so TypeORM treats a
 * reference written as `{ id }` as an unsaved entity. References to scoped
 * entities get the current tenant, as the row itself does; an explicit other
 * tenant is refused. The composite foreign key would reject it in any case.
 */
function stampReferences(entity: ObjectLiteral, metadata: EntityMetadata, event: InsertEvent<ObjectLiteral> | UpdateEvent<ObjectLiteral>) {
  for (const relation of metadata.relations) {
    if (relation.isOneToMany || relation.isOneToOneNotOwner || relation.isLazy) continue;
    const column = tenantColumnOf(relation.inverseEntityMetadata);
    if (!column) continue;
    const value: unknown = relation.getEntityValue(entity);
    const related = Array.isArray(value) ? value : [value];
    const scope = resolveTenantScope(event.dataSource, relation.inverseEntityMetadata, 'a write');
    for (const item of related) if (isObject(item)) stampTenant(item, column, scope, relation.inverseEntityMetadata.name);
  }
}

export class CitusRelationSubscriber implements EntitySubscriberInterface<ObjectLiteral> {
  beforeInsert(event: InsertEvent<ObjectLiteral>): void {
    if (event.entity) stampReferences(event.entity, event.metadata, event);
  }

  beforeUpdate(event: UpdateEvent<ObjectLiteral>): void {
    if (event.entity) stampReferences(event.entity, event.metadata, event);
  }

  /** `remove({ id })` inside a tenant names that tenant's row: its key needs the tenant. */
  beforeRemove(event: RemoveEvent<ObjectLiteral>): void {
    const column = tenantColumnOf(event.metadata);
    if (!column || !event.entity) return;
    stampTenant(event.entity, column, resolveTenantScope(event.connection, event.metadata, 'a delete'), event.metadata.name);
  }
}
