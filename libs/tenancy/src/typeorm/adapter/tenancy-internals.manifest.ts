/**
 * Every TypeORM and pg member the library wraps or reads, in one list per
 * TypeORM line, by the object that a DataSource really hands out. The
 * bind-time preflight checks each one of the line the DataSource's typeorm
 * belongs to, so that a TypeORM or pg version (or copy) without them refuses
 * to start instead of running unfiltered. The lines differ in the member that
 * names the DataSource (see the adapters). The typed views of these members
 * are in ../query-builder-internals.ts, ../pg-internals.ts and
 * ../postgres-runner-internals.ts: keep them in step.
 */
export type MemberShape = 'method' | 'getter' | 'property';

export interface InternalMember {
  name: string;
  shape: MemberShape;
}

export interface InternalsHolder {
  /** What the object is, as a user would find it: "dataSource.createQueryBuilder()". */
  holder: string;
  members: readonly InternalMember[];
  /** Marks (patch-marks.ts) the object's prototype chain must carry: the classes this library patched. */
  patches: readonly string[];
}

const method = (name: string): InternalMember => ({ name, shape: 'method' });
const getter = (name: string): InternalMember => ({ name, shape: 'getter' });
const property = (name: string): InternalMember => ({ name, shape: 'property' });

/** The member that names an object's DataSource: `dataSource` on 1.x, `connection` on 0.3. */
export type DataSourceMember = 'dataSource' | 'connection';

export type TypeormHolderKey =
  | 'dataSource'
  | 'manager'
  | 'driver'
  | 'select'
  | 'insert'
  | 'update'
  | 'delete'
  | 'relation'
  | 'expressionMap'
  | 'entityMetadata'
  | 'column'
  | 'postgresDriver'
  | 'postgresQueryRunner'
  | 'schemaBuilder'
  | 'migrationExecutor'
  | 'driverUtils';

/** The members of one TypeORM line, given the name its objects give their DataSource. */
export function typeormInternals(owner: DataSourceMember): Record<TypeormHolderKey, InternalsHolder> {
  /** Protected members every query builder exposes to the patches (QueryBuilderInternals). */
  const QUERY_BUILDER = [
    method('createWhereExpression'),
    method('getParameters'),
    method('escape'),
    property('expressionMap'),
    property(owner),
  ];
  return {
    dataSource: {
      holder: 'the DataSource',
      // buildMetadatas: tenant subscriber and strategy hooks; synchronize: RLS policies follow schema syncs.
      members: [
        method('buildMetadatas'),
        method('synchronize'),
        method('createQueryBuilder'),
        method('createQueryRunner'),
        method('getMetadata'),
        method('hasMetadata'),
        method('query'),
        property('subscribers'),
        property('entityMetadatas'),
        property('driver'),
        property('options'),
        property('manager'),
      ],
      patches: ['metadata-hooks'],
    },
    manager: {
      holder: 'dataSource.manager',
      members: [
        method('save'),
        method('remove'),
        method('softRemove'),
        method('recover'),
        method('clear'),
        method('createQueryBuilder'),
        property(owner),
      ],
      patches: ['persistence-guards'],
    },
    driver: {
      holder: 'dataSource.driver',
      members: [
        method('createQueryRunner'),
        method('createSchemaBuilder'),
        method('escape'),
        method('buildTableName'),
        method('escapeQueryWithParameters'),
        property('supportedUpsertTypes'),
        property('options'),
      ],
      patches: [],
    },
    select: {
      holder: 'dataSource.createQueryBuilder()',
      members: [...QUERY_BUILDER, method('createJoinExpression'), method('loadRawResults'), method('getQueryAndParameters')],
      patches: ['where-filter', 'join-filter'],
    },
    insert: {
      holder: 'createQueryBuilder().insert()',
      members: [...QUERY_BUILDER, method('createInsertExpression'), method('getValueSets'), method('execute')],
      patches: ['where-filter', 'insert-guard'],
    },
    update: {
      holder: 'createQueryBuilder().update()',
      members: [...QUERY_BUILDER, method('createUpdateExpression'), method('execute')],
      patches: ['where-filter', 'update-guard'],
    },
    delete: {
      holder: 'createQueryBuilder().delete()',
      members: [...QUERY_BUILDER, method('execute')],
      patches: ['where-filter'],
    },
    relation: {
      holder: 'createQueryBuilder().relation()',
      members: [...QUERY_BUILDER, method('of'), method('add'), method('remove'), method('set'), method('addAndRemove')],
      patches: ['where-filter'],
    },
    expressionMap: {
      holder: "a query builder's expressionMap",
      members: [
        property('queryType'),
        property('aliases'),
        property('aliasNamePrefixingEnabled'),
        // tenant-condition.ts keys its cached conditions by it.
        property('disableEscaping'),
        property('joinAttributes'),
        method('setMainAlias'),
        method('createAlias'),
      ],
      patches: [],
    },
    entityMetadata: {
      holder: "an entity's metadata (dataSource.entityMetadatas)",
      members: [
        property('name'),
        property('target'),
        property('tableName'),
        property('tablePath'),
        property('tableType'),
        property('columns'),
        property('primaryColumns'),
        property('foreignKeys'),
        property('uniques'),
        property('indices'),
        property('relations'),
        method('findColumnWithPropertyName'),
      ],
      patches: [],
    },
    column: {
      holder: "a column's metadata",
      members: [method('getEntityValue'), method('setEntityValue'), property('databaseName'), property('propertyName')],
      patches: [],
    },
    postgresDriver: {
      holder: 'the PostgreSQL driver',
      // The loaded pg module: RLS sends the tenant setting through its Query class.
      members: [property('postgres')],
      patches: [],
    },
    postgresQueryRunner: {
      holder: 'dataSource.driver.createQueryRunner()',
      members: [
        method('connect'),
        method('query'),
        method('stream'),
        method('release'),
        method('releasePostgresConnection'),
        method('startTransaction'),
        method('commitTransaction'),
        method('rollbackTransaction'),
        property('isTransactionActive'),
        property('transactionDepth'),
        property(owner),
      ],
      // The dead-connection fix is opt-in (recoverDeadPostgresConnections), not a protection to require.
      patches: [],
    },
    schemaBuilder: {
      holder: 'dataSource.driver.createSchemaBuilder()',
      members: [getter('entityToSyncMetadatas'), method('build'), property(owner)],
      patches: ['schema-builder'],
    },
    migrationExecutor: {
      holder: "TypeORM's MigrationExecutor",
      members: [
        method('executePendingMigrations'),
        method('getMigrations'),
        property('migrationsTable'),
        property('migrationsTableName'),
        property('transaction'),
      ],
      patches: [],
    },
    driverUtils: {
      holder: "TypeORM's DriverUtils",
      // load-check.ts names a scoped alias's raw-row columns as the entity transformer does.
      members: [method('buildAlias')],
      patches: [],
    },
  };
}

/** node-postgres, as PostgresDriver loaded it (`driver.postgres`), for `rls: true`. */
export const PG_INTERNALS: Record<'Query' | 'Client' | 'Connection', InternalsHolder> = {
  Query: {
    holder: 'pg.Query.prototype',
    members: [
      method('requiresPreparation'),
      method('submit'),
      method('prepare'),
      method('handleRowDescription'),
      method('handleDataRow'),
      method('handleCommandComplete'),
    ],
    patches: [],
  },
  Client: { holder: 'pg.Client.prototype', members: [method('query')], patches: [] },
  Connection: {
    holder: 'pg.Connection.prototype',
    // Also read, not required: the instance's `stream` (cork/uncork), which only batches one exchange's writes;
    // without it the same messages go out one write each (tenant-prefixed-query.ts).
    members: [method('parse'), method('bind'), method('execute'), method('query')],
    patches: [],
  },
};
