import type { DataSource, EntityMetadata, ObjectLiteral, QueryRunner } from 'typeorm';
import { TenantIsolationError } from '../errors/tenant-isolation.error.js';
import { tenantColumnOf } from './tenant-metadata.js';
import { resolveTenantScope } from './tenant-scope.js';

/** An id, an id map or an entity, as `of()`, `add()` or a junction value set give them, as an id map. */
function idMapOf(metadata: EntityMetadata, value: unknown): ObjectLiteral | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'object' ? metadata.getEntityIdMap(value as ObjectLiteral) : metadata.ensureEntityIdMap(value);
}

/**
 * Refuses, before any write, a relation write that names a row of a scoped
 * entity which is not the current tenant's: one filtered COUNT over the
 * given ids must find every one of them. Unscoped entities, bypasses and the
 * 'unfiltered' opt-out are not checked; no tenant is TENANT_REQUIRED.
 */
export async function assertTenantOwns(
  dataSource: DataSource,
  metadata: EntityMetadata,
  values: readonly unknown[],
  queryRunner: QueryRunner | undefined,
  operation: string,
): Promise<void> {
  if (!tenantColumnOf(metadata)) return;
  const present = values.filter((value) => value !== null && value !== undefined);
  if (present.length === 0) return;
  if (resolveTenantScope(dataSource, metadata, operation).kind !== 'tenant') return;
  const ids = new Map<string, ObjectLiteral>();
  for (const value of present) {
    const id = idMapOf(metadata, value);
    if (!id || Object.values(id).some((part) => part === null || part === undefined)) throw notOwned(metadata, operation);
    ids.set(JSON.stringify(id), id);
  }
  // The filtered read sees the tenant's rows only, on the caller's runner (its transaction's own rows included).
  const found = await dataSource
    .createQueryBuilder(metadata.target, 'tenancy_owned', queryRunner)
    .whereInIds([...ids.values()])
    .getCount();
  if (found !== ids.size) throw notOwned(metadata, operation);
}

function notOwned(metadata: EntityMetadata, operation: string): TenantIsolationError {
  return new TenantIsolationError(
    'TENANT_MISMATCH',
    `Refused ${operation}: a "${metadata.name}" it names is not one of the current tenant's rows (or does not exist). Nothing was written; use bypassTenantFilter() for deliberate cross-tenant links.`,
  );
}
