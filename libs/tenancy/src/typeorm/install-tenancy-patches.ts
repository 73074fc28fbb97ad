import { DataSource, EntityManager, InsertQueryBuilder, QueryBuilder, SelectQueryBuilder, UpdateQueryBuilder } from 'typeorm';
import { ownTypeormAdapter } from './adapter/own-typeorm.adapter.js';
import { markPatched } from './patch-marks.js';
import { assertScopedEntityShapes } from './scoped-entity-shapes.js';
import { patchClearTable } from './clear-table.guard.js';
import { patchJunctionGuards } from './junction-guard.patch.js';
import { patchLateContext } from './late-context.js';
import { patchReadFilter } from './read-filter.patch.js';
import { patchTableReferences } from './table-reference.patch.js';
import { hasTenantScopedEntities } from './tenant-metadata.js';
import { patchTenantConcurrency } from './tenant-concurrency.patch.js';
import { TenantSubscriber } from './tenant.subscriber.js';
import { recordStartupSync } from './startup-sync.record.js';
import { patchWriteGuards } from './write-guard.patch.js';

// Whether this copy of the library has wrapped TypeORM's prototypes: they are
// process-wide by nature, so is the record that they are wrapped (no setting here).
let installed = false;
let watching = false;
/** Entity shapes the filter cannot cover fail initialize(), with or without TenancyModule. */
const metadataHooks: Array<(dataSource: DataSource) => void> = [assertScopedEntityShapes];

/** Lets a strategy adjust a DataSource's metadata before synchronize or migrations run. */
export function onMetadataBuilt(hook: (dataSource: DataSource) => void): void {
  if (!metadataHooks.includes(hook)) metadataHooks.push(hook);
}

/**
 * TypeORM has no global query scopes, but every repository, EntityManager,
 * Active Record and relation path builds its SQL through the query builders;
 * the tenant filter is woven into them once, when the first DataSource with
 * tenant-scoped entities is bound: by TenancyModule, by a strategy installer,
 * or by its own initialize() (see watchScopedDataSources). Each copy of the
 * library wraps with its own entity registry, so a duplicated install is
 * slower, never open. TypeORM's pool problems are not tenancy's: their fix is
 * separate and opt-in (recoverDeadPostgresConnections).
 */
export function installTenancyPatches(): void {
  if (installed) return;
  // Refuses an unsupported typeorm before anything is patched.
  const typeorm = ownTypeormAdapter();
  installed = true;
  watchScopedDataSources();
  patchReadFilter(typeorm);
  patchWriteGuards(typeorm);
  patchTableReferences(typeorm);
  patchJunctionGuards(typeorm);
  patchLateContext(typeorm);
  patchClearTable(typeorm);
  patchTenantConcurrency(typeorm);
  // What the bind-time preflight looks for on the classes a DataSource really uses.
  markPatched(QueryBuilder.prototype, 'where-filter');
  markPatched(SelectQueryBuilder.prototype, 'join-filter');
  markPatched(InsertQueryBuilder.prototype, 'insert-guard');
  markPatched(UpdateQueryBuilder.prototype, 'update-guard');
  markPatched(EntityManager.prototype, 'persistence-guards');
}

/**
 * The one wrap @TenantScoped() installs, on DataSource.buildMetadatas: a
 * DataSource whose entities include a scoped one binds itself while it
 * initializes (the tenant filter, the subscriber, the metadata checks), so a
 * script that builds its own DataSource without TenancyModule is filtered
 * too, never open. Everything else waits for that first scoped DataSource.
 */
export function watchScopedDataSources(): void {
  if (watching) return;
  watching = true;
  const proto = DataSource.prototype as unknown as { buildMetadatas(): Promise<void> };
  const buildMetadatas = proto.buildMetadatas;
  proto.buildMetadatas = async function (this: DataSource) {
    await buildMetadatas.call(this);
    if (!hasTenantScopedEntities(this)) return;
    installTenancyPatches();
    ensureTenantSubscriber(this);
    for (const hook of metadataHooks) hook(this);
    await recordStartupSync(this);
  };
  markPatched(DataSource.prototype, 'metadata-hooks');
}

export function ensureTenantSubscriber(dataSource: DataSource): void {
  const subscribers = dataSource.subscribers as unknown[];
  if (!subscribers.some((subscriber) => subscriber instanceof TenantSubscriber)) {
    subscribers.push(new TenantSubscriber(dataSource));
  }
}
