import type { DataSource, MigrationInterface } from 'typeorm';

export interface SchemaStrategyConfig {
  prefix: string;
  sharedSchema: string;
  /** Tenant migrations run in each tenant schema; without them, tables come from entity metadata. */
  migrations?: Array<new () => MigrationInterface>;
  /** Citus schema-based sharding: each tenant schema is distributed when it is created. */
  citus?: boolean;
}

const byDataSource = new WeakMap<DataSource, SchemaStrategyConfig>();
/** Known before the DataSource exists (TenancyModule.forRoot), keyed by DataSource name. */
const pendingByName = new Map<string, SchemaStrategyConfig>();

export function declareSchemaStrategy(dataSourceName: string, config: SchemaStrategyConfig): void {
  pendingByName.set(dataSourceName, config);
}

/** One-shot: the declaration belongs to the next DataSource of that name that is built. */
export function takePendingSchemaStrategy(dataSourceName: string): SchemaStrategyConfig | undefined {
  const config = pendingByName.get(dataSourceName);
  pendingByName.delete(dataSourceName);
  return config;
}

export function bindSchemaStrategy(dataSource: DataSource, config: SchemaStrategyConfig): void {
  byDataSource.set(dataSource, config);
}

export function schemaStrategyOf(dataSource: DataSource): SchemaStrategyConfig | undefined {
  return byDataSource.get(dataSource);
}
