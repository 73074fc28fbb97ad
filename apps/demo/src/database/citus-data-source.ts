import { Logger } from '@nestjs/common';
import { distributeTenantTables, enableCitusKeys } from 'nestjs-tenancy';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { DemoConfig } from '../config/demo-config.js';

/**
 * The demo's DataSource. With TENANCY_CITUS=1 and the row strategy its
 * tenant tables are built with the tenant column in every key (Citus needs
 * it) and distributed by tenant right after start-up's synchronize; a second
 * start finds them distributed and changes nothing. An application does the
 * distribution in a migration instead (README, Scaling out with Citus).
 */
export async function createDemoDataSource(
  config: Pick<DemoConfig, 'citus' | 'strategy'>,
  options: DataSourceOptions,
): Promise<DataSource> {
  const rowsOnCitus = config.citus && config.strategy === 'row';
  const dataSource = new DataSource(options);
  if (rowsOnCitus) enableCitusKeys(dataSource);
  await dataSource.initialize();
  if (!rowsOnCitus) return dataSource;
  const queryRunner = dataSource.createQueryRunner();
  try {
    const { created } = await distributeTenantTables(queryRunner);
    if (created.length > 0) {
      new Logger('Citus').log(`distributed: ${created.map((table) => `${table.table} (${table.kind})`).join(', ')}`);
    }
  } finally {
    await queryRunner.release();
  }
  return dataSource;
}
