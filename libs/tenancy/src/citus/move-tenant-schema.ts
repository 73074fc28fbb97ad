import pg from 'pg';
import type { DataSource } from 'typeorm';
import { TenancyConfigurationError } from '../errors/tenancy-configuration.error.js';
import { placementOf, prepareMove, type CitusNode, type MoveTenantOptions, type MoveTenantResult } from './citus-nodes.js';

/**
 * Schema strategy: moves a distributed tenant schema (all its single-shard
 * tables, one co-location group) to another node with citus_schema_move.
 * Idempotent: a schema already on the target stays. A schema that is not a
 * distributed schema is an error, never a silent success.
 */
export async function moveTenantSchema(
  dataSource: DataSource,
  schema: string,
  target: CitusNode,
  options: MoveTenantOptions = {},
): Promise<MoveTenantResult> {
  // As regnamespace input: quoted, so a mixed-case tenant id names its own schema.
  const quoted = pg.escapeIdentifier(schema);
  const queryRunner = dataSource.createQueryRunner();
  try {
    const mode = await prepareMove(queryRunner, target, options);
    const [shard] = (await queryRunner.query(
      `SELECT min(s.shardid)::text AS id FROM citus_schemas cs JOIN pg_class c ON c.relnamespace = cs.schema_name
         JOIN pg_dist_shard s ON s.logicalrelid = c.oid WHERE cs.schema_name = to_regnamespace($1)`,
      [quoted],
    )) as Array<{ id: string | null }>;
    if (!shard.id) {
      throw new TenancyConfigurationError(
        'citus',
        `cannot move schema "${schema}": it is not a distributed schema with tables (tenants get one from createTenantSchema with citus: true).`,
      );
    }
    const from = await placementOf(queryRunner, shard.id);
    const moved = from.host !== target.host || from.port !== target.port;
    if (moved) {
      await queryRunner.query(`SELECT citus_schema_move($1::regnamespace, $2, $3, shard_transfer_mode => $4::citus.shard_transfer_mode)`, [
        quoted,
        target.host,
        target.port,
        mode,
      ]);
    }
    return { from, to: target, moved };
  } finally {
    await queryRunner.release();
  }
}
