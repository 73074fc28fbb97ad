import type { DataSource } from 'typeorm';
import { requireCitus } from './citus-extension.js';

/**
 * Schema strategy on Citus: the tenant's schema becomes a distributed schema
 * (schema-based sharding, Citus 12+). Its tables turn into single-shard
 * tables of one co-location group, all placed on one node, so every query
 * inside the tenant runs on that node. Idempotent; without Citus it is a
 * TenancyConfigurationError naming the fix.
 */
export async function distributeTenantSchema(dataSource: DataSource, schema: string): Promise<void> {
  const queryRunner = dataSource.createQueryRunner();
  try {
    await requireCitus(queryRunner, `Distributing tenant schema "${schema}"`);
    const rows = (await queryRunner.query(`SELECT 1 FROM citus_schemas WHERE schema_name = to_regnamespace($1)`, [schema])) as unknown[];
    if (rows.length === 0) await queryRunner.query(`SELECT citus_schema_distribute($1)`, [schema]);
  } finally {
    await queryRunner.release();
  }
}
