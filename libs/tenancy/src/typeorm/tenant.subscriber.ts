import type { DataSource, EntitySubscriberInterface, InsertEvent, ObjectLiteral, UpdateEvent } from 'typeorm';
import { tenantColumnOf } from './tenant-metadata.js';
import { resolveTenantScope } from './tenant-scope.js';
import { stampTenant, tenantMove } from './tenant-stamp.js';

/**
 * Keeps entity objects in step with the tenant: `save()` gets `tenantId` on
 * the object itself, and an update cannot move it to another tenant. The
 * SQL-level guards do not rely on it: `save({ listeners: false })` skips
 * subscribers and is still enforced. Loaded rows are checked on the raw rows
 * (load-check.ts), not here: an `afterLoad` would make TypeORM build an event
 * object for every loaded entity, and `listeners: false` would skip it.
 */
/**
 * One per DataSource (ensureTenantSubscriber): it holds its DataSource rather
 * than reading the event's, whose name differs between TypeORM lines.
 */
export class TenantSubscriber implements EntitySubscriberInterface<ObjectLiteral> {
  constructor(private readonly dataSource: DataSource) {}

  beforeInsert(event: InsertEvent<ObjectLiteral>): void {
    const column = tenantColumnOf(event.metadata);
    if (!column || !event.entity) return;
    const scope = resolveTenantScope(this.dataSource, event.metadata, 'an insert');
    stampTenant(event.entity, column, scope, event.metadata.name);
  }

  beforeUpdate(event: UpdateEvent<ObjectLiteral>): void {
    const column = tenantColumnOf(event.metadata);
    if (!column || !event.entity) return;
    const scope = resolveTenantScope(this.dataSource, event.metadata, 'an update');
    if (scope.kind !== 'tenant') return;
    const value: unknown = column.getEntityValue(event.entity);
    if (value !== undefined && value !== null && value !== scope.tenantId) throw tenantMove(event.metadata.name);
  }
}
