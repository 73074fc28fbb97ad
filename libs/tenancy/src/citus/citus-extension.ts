import type { QueryRunner } from 'typeorm';
import { TenancyConfigurationError } from '../errors/tenancy-configuration.error.js';
import { ownTypeormAdapter } from '../typeorm/adapter/own-typeorm.adapter.js';

/**
 * The installed Citus version, or a start-up error naming the fix: without
 * the extension create_distributed_table does not exist, and silently
 * leaving tenant tables local would hide that nothing was scaled out.
 */
export async function requireCitus(queryRunner: QueryRunner, operation: string): Promise<string> {
  const type = ownTypeormAdapter().dataSourceOf(queryRunner).driver.options.type;
  if (type !== 'postgres') {
    throw new TenancyConfigurationError('citus', `${operation} needs PostgreSQL with the Citus extension; this DataSource is '${type}'.`);
  }
  const rows = (await queryRunner.query(
    `SELECT current_database() AS database, (SELECT extversion FROM pg_extension WHERE extname = 'citus') AS version`,
  )) as Array<{ database: string; version: string | null }>;
  const { database, version } = rows[0];
  if (!version) {
    throw new TenancyConfigurationError(
      'citus',
      `${operation} needs the Citus extension, which database "${database}" does not have. Run CREATE EXTENSION citus on the coordinator and every worker, register the workers with citus_add_node(host, port), or point the DataSource at a Citus coordinator.`,
    );
  }
  return version;
}
