import { DataSource } from 'typeorm';
import { patchReadFilter } from './read-filter.patch.js';
import { hasTenantScopedEntities } from './tenant-metadata.js';
import { TenantSubscriber } from './tenant.subscriber.js';
import { patchWriteGuards } from './write-guard.patch.js';

let installed = false;

/**
 * TypeORM has no global query scopes, but every repository, EntityManager,
 * Active Record and relation path builds its SQL through the query builders;
 * the tenant filter is woven into them once. Each copy of the library wraps
 * with its own entity registry, so a duplicated install is slower, never open.
 */
export function installTenancyPatches(): void {
  if (installed) return;
  installed = true;
  patchReadFilter();
  patchWriteGuards();
  patchSubscriberRegistration();
}

function patchSubscriberRegistration(): void {
  const proto = DataSource.prototype as unknown as { buildMetadatas(): Promise<void> };
  const buildMetadatas = proto.buildMetadatas;
  proto.buildMetadatas = async function (this: DataSource) {
    await buildMetadatas.call(this);
    if (hasTenantScopedEntities(this)) ensureTenantSubscriber(this);
  };
}

export function ensureTenantSubscriber(dataSource: DataSource): void {
  const subscribers = dataSource.subscribers as unknown[];
  if (!subscribers.some((subscriber) => subscriber instanceof TenantSubscriber)) {
    subscribers.push(new TenantSubscriber());
  }
}
