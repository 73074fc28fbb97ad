import type { DataSource, EntitySubscriberInterface, InsertEvent, LoadEvent, ObjectLiteral, UpdateEvent } from 'typeorm';
import { filteringTenant } from '../context/tenant-store.js';
import { TenantIsolationError } from '../errors/tenant-isolation.error.js';
import { tenantColumnOf } from './tenant-metadata.js';
import { resolveTenantScope } from './tenant-scope.js';
import { stampTenant, tenantMove } from './tenant-stamp.js';

/**
 * Keeps entity objects in step with the tenant: `save()` gets `tenantId` on
 * the object itself, a loaded entity of another tenant (a path the filter did
 * not reach) is an error instead of a leak. The SQL-level guards do not rely on
 * it: `save({ listeners: false })` skips subscribers and is still enforced.
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

  /** Once per loaded row: an unscoped entity returns before the context is read, and nothing is allocated. */
  afterLoad(entity: ObjectLiteral, event?: LoadEvent<ObjectLiteral>): void {
    const column = tenantColumnOf(event?.metadata);
    if (!column) return;
    const tenantId = filteringTenant();
    if (tenantId === undefined) return;
    const value: unknown = column.getEntityValue(entity);
    if (value !== undefined && value !== tenantId) {
      throw new TenantIsolationError(
        'TENANT_MISMATCH',
        `A "${event?.metadata.name}" row of another tenant reached the entity loader; it was discarded. This is a bug in a query path: please report it.`,
      );
    }
  }
}
