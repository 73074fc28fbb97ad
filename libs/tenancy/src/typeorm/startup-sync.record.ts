import type { DataSource, EntityMetadata } from 'typeorm';

/** Where a table of the DataSource lived at start-up, and whether it existed before TypeORM's synchronize. */
export interface StartupTable {
  schema: string;
  table: string;
  existed: boolean;
}

/**
 * The tables of a PostgreSQL DataSource as they stood before TypeORM's
 * start-up synchronize. A strategy bound after start-up (TenancyModule binds
 * at onModuleInit, after TypeOrmModule initialized the DataSource, however
 * either was registered) learns from it which tables that synchronize
 * created, and only those may it take back.
 */
const beforeStartupSync = new WeakMap<DataSource, ReadonlyMap<EntityMetadata, StartupTable>>();

/** Runs inside initialize(), after the metadata is built and before TypeORM's own synchronize. */
export async function recordStartupSync(dataSource: DataSource): Promise<void> {
  if (!dataSource.options.synchronize || dataSource.options.type !== 'postgres') return;
  const metadatas = dataSource.entityMetadatas;
  const defaultSchema = (dataSource.options as { schema?: string }).schema ?? null;
  // Names travel as parameters: nothing to quote.
  const rows = (await dataSource.query(
    `SELECT t.i, s.name AS schema, EXISTS (SELECT 1 FROM pg_tables p WHERE p.schemaname = s.name AND p.tablename = t.name) AS existed
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(name, schema, i)
       CROSS JOIN LATERAL (SELECT coalesce(t.schema, current_schema()) AS name) s`,
    [metadatas.map((metadata) => metadata.tableName), metadatas.map((metadata) => metadata.schema ?? defaultSchema)],
  )) as Array<{ i: string; schema: string; existed: boolean }>;
  const tables = new Map<EntityMetadata, StartupTable>();
  for (const row of rows) {
    const metadata = metadatas[Number(row.i) - 1];
    tables.set(metadata, { schema: row.schema, table: metadata.tableName, existed: row.existed });
  }
  beforeStartupSync.set(dataSource, tables);
}

/** Undefined when TypeORM did not synchronize this PostgreSQL DataSource at start-up. */
export function tablesBeforeStartupSync(dataSource: DataSource): ReadonlyMap<EntityMetadata, StartupTable> | undefined {
  return beforeStartupSync.get(dataSource);
}
