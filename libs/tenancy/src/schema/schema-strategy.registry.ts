import type { DataSource, MigrationInterface } from 'typeorm';

export interface SchemaStrategyConfig {
  prefix: string;
  sharedSchema: string;
  /** Tenant migrations run in each tenant schema; without them, tables come from entity metadata. */
  migrations?: Array<new () => MigrationInterface>;
  /** Citus schema-based sharding: each tenant schema is distributed when it is created. */
  citus?: boolean;
  /** The tenantIdPattern of the TenancyModule that bound the strategy (tenant ids must match it as well). */
  tenantIdPattern?: RegExp;
}

const byDataSource = new WeakMap<DataSource, SchemaStrategyConfig>();

export function bindSchemaStrategy(dataSource: DataSource, config: SchemaStrategyConfig): void {
  byDataSource.set(dataSource, config);
}

export function schemaStrategyOf(dataSource: DataSource): SchemaStrategyConfig | undefined {
  return byDataSource.get(dataSource);
}
