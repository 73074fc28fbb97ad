import { DataSource, type DataSourceOptions, type Logger } from 'typeorm';
import { distributeTenantTables, enableCitusKeys, getCurrentTenant, isTenantFilterBypassed } from 'nestjs-tenancy';
import { onCitus, taskCount } from './citus.js';
import { createTestDatabase, dropTestDatabase, postgresUrl } from './postgres.js';

type Entities = NonNullable<DataSourceOptions['entities']>;

/** Counts the SQL statements a DataSource sends, for "nothing was sent" assertions. */
export class StatementCounter implements Logger {
  statements: string[] = [];
  /** On Citus: each distinct DML statement sent inside a tenant (no bypass), with its first parameters. */
  readonly inTenant = new Map<string, unknown[]>();
  logQuery(query: string, parameters?: unknown[]): void {
    this.statements.push(query);
    if (
      onCitus &&
      getCurrentTenant() !== undefined &&
      !isTenantFilterBypassed() &&
      DML.test(query) &&
      !query.endsWith(FAULT_INJECTION_MARK) &&
      !this.inTenant.has(query)
    ) {
      this.inTenant.set(query, parameters ?? []);
    }
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

const DML = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i;

/**
 * Ends a statement a test rewrote on purpose (a fault injection that widens the
 * tenant condition): it is the test's statement, not one the library routed,
 * so the single-shard check leaves it out.
 */
export const FAULT_INJECTION_MARK = '/* tenancy-test: fault injection */';

/**
 * `npm run test:citus`: every statement a suite sent inside a tenant must run
 * on one shard. Checked when the suite closes its DataSource, by EXPLAINing
 * each distinct statement on the coordinator. A statement EXPLAIN cannot plan
 * any more (its table was dropped, or it failed on purpose) is skipped.
 */
async function assertSingleShard(dataSource: DataSource, statements: Map<string, unknown[]>): Promise<void> {
  const fanOut: string[] = [];
  for (const [query, parameters] of statements) {
    const plan = (await dataSource.query(`EXPLAIN ${query}`, parameters).catch(() => undefined)) as
      Array<{ 'QUERY PLAN': string }> | undefined;
    const tasks = plan && taskCount(plan);
    if (tasks !== undefined && tasks > 1) fanOut.push(`${tasks} tasks: ${query}`);
  }
  if (fanOut.length > 0) throw new Error(`statements sent inside a tenant fan out to several shards:\n${fanOut.join('\n')}`);
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
        try {
          if (onCitus) await assertSingleShard(dataSource, statements.inTenant);
        } finally {
          await dataSource.destroy();
          await dropTestDatabase(database);
        }
      },
    };
  },
};

/** Every integration suite loops over both dialects, as kysely's tests do. */
export const DIALECTS: TestDialect[] = onCitus ? [postgres] : [sqlite, postgres];
