import type { QueryRunner } from 'typeorm';
import { assertValidTenantId } from '../context/tenant-id.js';
import { assertTenantIdInContext } from '../context/tenant-store.js';
import { tenancyOptionsFor } from '../typeorm/tenancy-data-source.registry.js';
import { TenancyConfigurationError } from '../errors/tenancy-configuration.error.js';
import { placementOf, prepareMove, type CitusNode, type MoveTenantOptions, type MoveTenantResult } from './citus-nodes.js';
import { citusPlan } from './citus-tables.js';

export interface MoveRowTenantResult extends MoveTenantResult {
  /** The shard (of the first tenant table) that now holds only this tenant. */
  shardId: string;
  /** True when this call split the tenant out of a shard it shared with others. */
  isolated: boolean;
}

/** The first distributed table of the plan: every tenant table is co-located with it. */
async function anchorTable(queryRunner: QueryRunner): Promise<string> {
  const planned = citusPlan(queryRunner.connection).tables.filter((table) => table.kind === 'distributed');
  for (const table of planned) {
    const rows = (await queryRunner.query(
      `SELECT 1 FROM citus_tables WHERE table_name = to_regclass($1) AND citus_table_type = 'distributed'`,
      [table.table],
    )) as unknown[];
    if (rows.length > 0) return table.table;
  }
  throw new TenancyConfigurationError(
    'citus',
    `moveTenant found no distributed tenant table${planned.length === 0 ? ' (no @TenantScoped entity on this DataSource)' : ''}: run distributeTenantTables first.`,
  );
}

/**
 * Row strategy: moves one tenant's rows, in every tenant table, to another
 * node. The tenant first gets shards of its own (isolate_tenant_to_new_shard
 * with CASCADE splits the whole co-location group, so its rows of every table
 * stay together), then those shards move (citus_move_shard_placement moves
 * the co-located shards with it). Idempotent: an isolated tenant is not split
 * again, and a tenant already on the target is left where it is. Writes to
 * the tenant wait during the copy under `block_writes`; reads continue, and
 * the coordinator routes to the new node as soon as the move commits.
 */
export async function moveTenant(
  queryRunner: QueryRunner,
  tenantId: string,
  target: CitusNode,
  options: MoveTenantOptions = {},
): Promise<MoveRowTenantResult> {
  const tenant = assertTenantIdInContext(tenantId);
  // The module that bound the DataSource has the last word on what a tenant id looks like.
  const bound = tenancyOptionsFor(queryRunner.connection).context;
  if (bound) assertValidTenantId(tenant, bound.tenantIdPattern);
  const mode = await prepareMove(queryRunner, target, options);
  const table = await anchorTable(queryRunner);

  // A shard whose hash range is one value holds this tenant only (an earlier isolation).
  const [current] = (await queryRunner.query(
    `SELECT shardid::text AS shard, shardminvalue = shardmaxvalue AS isolated FROM pg_dist_shard
      WHERE shardid = get_shard_id_for_distribution_column($1::regclass, $2::text)`,
    [table, tenant],
  )) as Array<{ shard: string; isolated: boolean }>;
  let shardId = current.shard;
  const splits = !current.isolated;
  if (splits) {
    const [row] = (await queryRunner.query(
      `SELECT isolate_tenant_to_new_shard($1::regclass, $2::text, 'CASCADE', shard_transfer_mode => $3::citus.shard_transfer_mode)::text AS shard`,
      [table, tenant, mode],
    )) as Array<{ shard: string }>;
    shardId = row.shard;
  }
  const from = await placementOf(queryRunner, shardId);
  const moved = from.host !== target.host || from.port !== target.port;
  if (moved) {
    await queryRunner.query(
      `SELECT citus_move_shard_placement($1::bigint, $2, $3, $4, $5, shard_transfer_mode => $6::citus.shard_transfer_mode)`,
      [shardId, from.host, from.port, target.host, target.port, mode],
    );
  }
  return { shardId, isolated: splits, from, to: target, moved };
}
