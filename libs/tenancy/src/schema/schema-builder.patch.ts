import type { EntityMetadata } from 'typeorm';
import { RdbmsSchemaBuilder } from 'typeorm/schema-builder/RdbmsSchemaBuilder.js';
import { getCurrentTenant } from '../context/tenant-store.js';
import { ownTypeormAdapter } from '../typeorm/adapter/own-typeorm.adapter.js';
import { markPatched } from '../typeorm/patch-marks.js';
import { livesInTenantSchema } from './apply-schema-strategy.js';
import { schemaStrategyOf } from './schema-strategy.registry.js';

let patched = false;

/**
 * Under the schema strategy, synchronize without a tenant manages the shared
 * tables only; inside a tenant (createTenantSchema, migrateAll) it manages
 * that tenant's tables only, so provisioning never touches shared tables.
 */
export function patchSchemaBuilder(): void {
  if (patched) return;
  const typeorm = ownTypeormAdapter();
  patched = true;
  const proto = RdbmsSchemaBuilder.prototype as unknown as object;
  const descriptor = Object.getOwnPropertyDescriptor(proto, 'entityToSyncMetadatas');
  const original = descriptor?.get;
  if (!original) throw new Error('TypeORM RdbmsSchemaBuilder.entityToSyncMetadatas not found: unsupported TypeORM version.');
  Object.defineProperty(proto, 'entityToSyncMetadatas', {
    configurable: true,
    get(this: object) {
      const all = original.call(this) as EntityMetadata[];
      if (!schemaStrategyOf(typeorm.dataSourceOf(this))) return all;
      const inTenant = getCurrentTenant() !== undefined;
      return all.filter((metadata) => livesInTenantSchema(metadata) === inTenant);
    },
  });
  markPatched(proto, 'schema-builder');
}
