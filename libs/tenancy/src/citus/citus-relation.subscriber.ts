import type { DataSource, EntitySubscriberInterface, InsertEvent, ObjectLiteral, RemoveEvent, UpdateEvent } from 'typeorm';
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
function stampReferences(dataSource: DataSource, entity: ObjectLiteral, metadata: EntityMetadata) {
  for (const relation of metadata.relations) {
    if (relation.isOneToMany || relation.isOneToOneNotOwner || relation.isLazy) continue;
    const column = tenantColumnOf(relation.inverseEntityMetadata);
    if (!column) continue;
    const value: unknown = relation.getEntityValue(entity);
    const related = Array.isArray(value) ? value : [value];
    const scope = resolveTenantScope(dataSource, relation.inverseEntityMetadata, 'a write');
    for (const item of related) if (isObject(item)) stampTenant(item, column, scope, relation.inverseEntityMetadata.name);
  }
}

/** One per DataSource: it holds its DataSource rather than reading the event's, whose name differs between TypeORM lines. */
export class CitusRelationSubscriber implements EntitySubscriberInterface<ObjectLiteral> {
  constructor(private readonly dataSource: DataSource) {}

  beforeInsert(event: InsertEvent<ObjectLiteral>): void {
    if (event.entity) stampReferences(this.dataSource, event.entity, event.metadata);
  }

  beforeUpdate(event: UpdateEvent<ObjectLiteral>): void {
    if (event.entity) stampReferences(this.dataSource, event.entity, event.metadata);
  }

  /** `remove({ id })` inside a tenant names that tenant's row: its key needs the tenant. */
  beforeRemove(event: RemoveEvent<ObjectLiteral>): void {
    const column = tenantColumnOf(event.metadata);
    if (!column || !event.entity) return;
    stampTenant(event.entity, column, resolveTenantScope(this.dataSource, event.metadata, 'a delete'), event.metadata.name);
  }
}
