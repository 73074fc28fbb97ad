import type { QueryRunner } from 'typeorm';
import { TenancyConfigurationError } from '../errors/tenancy-configuration.error.js';
import { requireCitus } from './citus-extension.js';

/** A Citus node as pg_dist_node names it. */
export interface CitusNode {
  host: string;
  port: number;
}

/**
 * How Citus copies a shard to its new node. `block_writes` (the default
 * here) copies with COPY while writes to that shard wait; it needs nothing
 * from the servers. `force_logical` and `auto` keep writes flowing through
 * logical replication, which needs wal_level=logical on every node and the
 * servers' permission to load Citus as a logical decoding output plugin.
 */
export type CitusTransferMode = 'block_writes' | 'force_logical' | 'auto';

export interface MoveTenantOptions {
  /** Default `block_writes` (see CitusTransferMode). */
  transferMode?: CitusTransferMode;
}

export interface MoveTenantResult {
  /** The node that held the tenant before the call. */
  from: CitusNode;
  to: CitusNode;
  /** False when the tenant already lived on the target node (nothing was copied). */
  moved: boolean;
}

const TRANSFER_MODES: readonly CitusTransferMode[] = ['block_writes', 'force_logical', 'auto'];

const nodeName = (node: CitusNode) => `${node.host}:${node.port}`;

function transferModeOf(options: MoveTenantOptions): CitusTransferMode {
  const mode = options.transferMode ?? 'block_writes';
  if (!TRANSFER_MODES.includes(mode)) {
    throw new TenancyConfigurationError(
      'citus',
      `moveTenant's transferMode must be one of ${TRANSFER_MODES.join(', ')}; got ${JSON.stringify(mode)}.`,
    );
  }
  return mode;
}

/**
 * The target must be an active primary node that may hold shards: a typo in a
 * host or port is an error naming the nodes there are, never a silent no-op.
 */
async function requireTargetNode(queryRunner: QueryRunner, target: CitusNode): Promise<void> {
  const nodes = (await queryRunner.query(
    `SELECT nodename AS host, nodeport AS port, isactive AND shouldhaveshards AS usable FROM pg_dist_node WHERE noderole = 'primary' ORDER BY nodeport`,
  )) as Array<CitusNode & { usable: boolean }>;
  const found = nodes.find((node) => node.host === target.host && node.port === target.port);
  if (found?.usable) return;
  const usable = nodes.filter((node) => node.usable).map(nodeName);
  throw new TenancyConfigurationError(
    'citus',
    `cannot move a tenant to ${nodeName(target)}: ${found ? 'that node is inactive or set not to hold shards' : 'no such Citus node'}. Nodes that can hold shards: ${usable.join(', ') || '(none)'}.`,
  );
}

/** The node holding a shard's (single, unreplicated) placement. */
export async function placementOf(queryRunner: QueryRunner, shardId: string): Promise<CitusNode> {
  const rows = (await queryRunner.query(
    `SELECT n.nodename AS host, n.nodeport AS port FROM pg_dist_placement p JOIN pg_dist_node n ON n.groupid = p.groupid
      WHERE p.shardid = $1 AND n.noderole = 'primary'`,
    [shardId],
  )) as CitusNode[];
  if (rows.length !== 1) {
    throw new TenancyConfigurationError(
      'citus',
      `shard ${shardId} has ${rows.length} placements; moveTenant supports unreplicated shards only.`,
    );
  }
  return rows[0];
}

/**
 * The checks every tenant move makes before touching anything; returns the
 * transfer mode. Citus's shard operations commit on other nodes as they go,
 * so they are never run inside a caller's transaction.
 */
export async function prepareMove(queryRunner: QueryRunner, target: CitusNode, options: MoveTenantOptions): Promise<CitusTransferMode> {
  const mode = transferModeOf(options);
  await requireCitus(queryRunner, 'moveTenant');
  if (queryRunner.isTransactionActive) {
    throw new TenancyConfigurationError('citus', 'moveTenant cannot run inside a transaction: call it on a query runner with none open.');
  }
  await requireTargetNode(queryRunner, target);
  return mode;
}
