import type { DataSource } from 'typeorm';
import { requireCitus } from './citus-extension.js';
import { citusPlan } from './citus-tables.js';

export interface CitusNodeStatus {
  host: string;
  port: number;
  role: 'coordinator' | 'worker';
  active: boolean;
  /** Shard placements the node holds, over all tables. */
  shards: number;
}

export interface CitusTableStatus {
  table: string;
  type: string;
  /** `undefined` for reference and local tables. */
  distributionColumn: string | undefined;
  colocationId: number;
  shardCount: number;
  /** `host:port` → shard placements of this table on that node. */
  placements: Record<string, number>;
}

export interface CitusStatus {
  version: string;
  nodes: CitusNodeStatus[];
  tables: CitusTableStatus[];
  /**
   * Existing tables distributeTenantTables would still place (run it in a
   * migration). Tables that do not exist in the shared schema are not listed:
   * under the schema strategy tenant tables live in distributed schemas.
   */
  pending: string[];
}

const nodeKey = (host: string, port: number) => `${host}:${port}`;

/** What is distributed and where: the data behind `tenancy citus status`. */
export async function citusStatus(dataSource: DataSource): Promise<CitusStatus> {
  const queryRunner = dataSource.createQueryRunner();
  try {
    const version = await requireCitus(queryRunner, 'citusStatus');
    const nodeRows = (await queryRunner.query(
      `SELECT nodename AS host, nodeport AS port, groupid, isactive FROM pg_dist_node WHERE noderole = 'primary' ORDER BY groupid, nodename, nodeport`,
    )) as Array<{ host: string; port: number; groupid: number; isactive: boolean }>;
    const tableRows = (await queryRunner.query(
      `SELECT table_name::text AS table, citus_table_type AS type, distribution_column AS column, colocation_id::int AS colocation_id, shard_count::int AS shard_count FROM citus_tables ORDER BY 1`,
    )) as Array<{ table: string; type: string; column: string; colocation_id: number; shard_count: number }>;
    const shardRows = (await queryRunner.query(
      `SELECT table_name::text AS table, nodename AS host, nodeport AS port, count(*)::int AS shards FROM citus_shards GROUP BY 1, 2, 3`,
    )) as Array<{ table: string; host: string; port: number; shards: number }>;
    const placed = new Set(
      ((await queryRunner.query(`SELECT logicalrelid::regclass::text AS table FROM pg_dist_partition`)) as Array<{ table: string }>).map(
        (row) => row.table,
      ),
    );
    const pending: string[] = [];
    for (const table of citusPlan(dataSource).tables) {
      const [{ name }] = (await queryRunner.query(`SELECT to_regclass($1)::text AS name`, [table.table])) as Array<{ name: string | null }>;
      if (name !== null && !placed.has(name)) pending.push(table.table);
    }
    return {
      version,
      nodes: nodeRows.map((row) => ({
        host: row.host,
        port: row.port,
        role: row.groupid === 0 ? 'coordinator' : 'worker',
        active: row.isactive,
        shards: shardRows
          .filter((shard) => shard.host === row.host && shard.port === row.port)
          .reduce((sum, shard) => sum + shard.shards, 0),
      })),
      tables: tableRows.map((row) => ({
        table: row.table,
        type: row.type,
        distributionColumn: row.column === '<none>' ? undefined : row.column,
        colocationId: row.colocation_id,
        shardCount: row.shard_count,
        placements: Object.fromEntries(
          shardRows.filter((shard) => shard.table === row.table).map((shard) => [nodeKey(shard.host, shard.port), shard.shards]),
        ),
      })),
      pending,
    };
  } finally {
    await queryRunner.release();
  }
}

/** Plain-text rendering of citusStatus for a CLI. */
export function formatCitusStatus(status: CitusStatus): string {
  const lines = [`Citus ${status.version}`, 'nodes:'];
  for (const node of status.nodes) {
    lines.push(`  ${node.role.padEnd(11)} ${nodeKey(node.host, node.port)}  ${node.active ? 'active' : 'INACTIVE'}  ${node.shards} shards`);
  }
  lines.push('tables:');
  for (const table of status.tables) {
    const where = Object.entries(table.placements)
      .map(([node, shards]) => `${node}×${shards}`)
      .join(' ');
    const by = table.distributionColumn ? ` by ${table.distributionColumn}` : '';
    lines.push(`  ${table.table}: ${table.type}${by}, colocation ${table.colocationId}, ${table.shardCount} shards  ${where}`);
  }
  lines.push(status.pending.length > 0 ? `not yet distributed: ${status.pending.join(', ')}` : 'no tenant table left to distribute');
  return lines.join('\n');
}
