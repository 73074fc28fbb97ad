import { DataSource, type DataSourceOptions, type Logger } from 'typeorm';
import { distributeTenantTables, enableCitusKeys } from 'nestjs-tenancy';
import { onCitus } from './citus.js';
import { createTestDatabase, dropTestDatabase, postgresUrl } from './postgres.js';

type Entities = NonNullable<DataSourceOptions['entities']>;

/** Counts the SQL statements a DataSource sends, for "nothing was sent" assertions. */
export class StatementCounter implements Logger {
  statements: string[] = [];
  logQuery(query: string): void {
    this.statements.push(query);
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
  reset(): void {
    this.statements = [];
  }
}

export interface TestDialect {
  name: 'sqlite' | 'postgres';
  /** Options for a fresh, empty database (for TypeOrmModule in Nest tests); dispose drops it. */
  connection(): Promise<{ options: DataSourceOptions; dispose(): Promise<void> }>;
  /** A DataSource on a fresh, empty database, schema synchronized. */
  open(entities: Entities, extra?: Partial<DataSourceOptions>): Promise<TestDataSource>;
}

export interface TestDataSource {
  dataSource: DataSource;
  statements: StatementCounter;
  /** The PostgreSQL database name (undefined on SQLite). */
  database?: string;
  close(): Promise<void>;
}

/**
 * SQLite through better-sqlite3, or through `sqlite3` (typeorm 0.3 only, its
 * type 'sqlite') when TEST_SQLITE_DRIVER=sqlite3 (scripts/matrix/typeorm-suites.sh).
 */
export function sqliteOptions(database = ':memory:'): DataSourceOptions {
  const driver = process.env.TEST_SQLITE_DRIVER ?? 'better-sqlite3';
  // typeorm 1.x typings have no 'sqlite' type (the driver is 0.3-only): the cast is for compiling against 1.x.
  if (driver === 'sqlite3') return { type: 'sqlite', database } as unknown as DataSourceOptions;
  if (driver !== 'better-sqlite3') throw new Error(`TEST_SQLITE_DRIVER is "${driver}": use better-sqlite3 or sqlite3`);
  return { type: 'better-sqlite3', database };
}

const sqlite: TestDialect = {
  name: 'sqlite',
  async connection() {
    return { options: sqliteOptions(), dispose: async () => {} };
  },
  async open(entities, extra = {}) {
    const statements = new StatementCounter();
    const dataSource = new DataSource({
      ...sqliteOptions(),
      entities,
      synchronize: true,
      logging: ['query'],
      logger: statements,
      ...extra,
    } as DataSourceOptions);
    await dataSource.initialize();
    statements.reset();
    return { dataSource, statements, close: () => dataSource.destroy() };
  },
};

async function distribute(dataSource: DataSource): Promise<void> {
  const queryRunner = dataSource.createQueryRunner();
  try {
    await distributeTenantTables(queryRunner);
  } finally {
    await queryRunner.release();
  }
}

const postgres: TestDialect = {
  name: 'postgres',
  async connection() {
    const database = await createTestDatabase();
    return {
      options: { type: 'postgres', url: postgresUrl(database), poolSize: 5 },
      dispose: () => dropTestDatabase(database),
    };
  },
  async open(entities, extra = {}) {
    const database = await createTestDatabase();
    const statements = new StatementCounter();
    const dataSource = new DataSource({
      type: 'postgres',
      url: postgresUrl(database),
      entities,
      synchronize: true,
      logging: ['query'],
      logger: statements,
      poolSize: 5,
      ...extra,
    } as DataSourceOptions);
    if (onCitus) enableCitusKeys(dataSource);
    await dataSource.initialize();
    if (onCitus) await distribute(dataSource);
    statements.reset();
    return {
      dataSource,
      statements,
      database,
      async close() {
        await dataSource.destroy();
        await dropTestDatabase(database);
      },
    };
  },
};

/** Every integration suite loops over both dialects, as kysely's tests do. */
export const DIALECTS: TestDialect[] = onCitus ? [postgres] : [sqlite, postgres];
