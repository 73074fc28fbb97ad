import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import pg from 'pg';
import {
  DataSource,
  DeleteQueryBuilder,
  InsertQueryBuilder,
  SelectQueryBuilder,
  type DataSourceOptions,
  type ObjectLiteral,
  type QueryRunner,
} from 'typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { enableSchemaTenancy, installTenantRls, TenancyConfigurationError, TenancyModule } from 'nestjs-tenancy';
import { CATALOG_ENTITIES } from '../support/catalog.entities.js';
import { DIALECTS, type TestDialect } from '../support/dialects.js';

/**
 * Binding a DataSource the library cannot protect must refuse to start, never
 * run unfiltered: a DataSource of a second typeorm copy ([typeorm-copy]), an
 * unsupported version ([typeorm-version]), internals missing or reshaped ([typeorm-members]),
 * a tenant filter that is not in force ([bind-canary]). Each is bound through
 * TenancyModule, and on PostgreSQL through enableSchemaTenancy and
 * installTenantRls used without the module.
 */
type Typeorm = typeof import('typeorm');

const ROOT = process.cwd();
const COPIES = join(ROOT, '.tmp', `typeorm-copies-${process.pid}-${randomBytes(3).toString('hex')}`);

/** A real second install of typeorm (its own module instances), optionally claiming another version. */
async function installTypeormCopy(name: string, version?: string): Promise<Typeorm> {
  const dir = join(COPIES, name);
  const target = join(dir, 'node_modules', 'typeorm');
  await mkdir(dir, { recursive: true });
  await cp(join(ROOT, 'node_modules', 'typeorm'), target, {
    recursive: true,
    filter: (src) => !/\.(map|d\.ts)$/.test(src) && !src.includes(`${join('typeorm', 'browser')}`),
  });
  if (version) {
    const manifest = JSON.parse(await readFile(join(target, 'package.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(target, 'package.json'), JSON.stringify({ ...manifest, version }));
  }
  // Resolved from the copy's folder; its own dependencies come from the repository's node_modules above.
  return createRequire(join(dir, 'index.js'))('typeorm') as Typeorm;
}

/** Releases outside `^0.3.20 || ^1.1.1`: each claimed by a copy of the installed typeorm. */
const UNSUPPORTED = ['0.2.45', '0.3.10', '0.3.19', '1.0.0', '1.2.0-nightly.20261101', '2.0.0'];

let secondCopy: Typeorm;
const unsupportedCopies = new Map<string, Typeorm>();
beforeAll(async () => {
  secondCopy = await installTypeormCopy('second');
  for (const version of UNSUPPORTED) unsupportedCopies.set(version, await installTypeormCopy(`v${version}`, version));
}, 240_000);
afterAll(() => rm(COPIES, { recursive: true, force: true }));

const opened: DataSource[] = [];
const disposers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const ds of opened.splice(0)) if (ds.isInitialized) await ds.destroy();
  while (disposers.length) await disposers.pop()?.();
});

type MakeDataSource = (options: DataSourceOptions) => Promise<DataSource>;

async function connection(dialect: TestDialect): Promise<DataSourceOptions> {
  const { options, dispose } = await dialect.connection();
  disposers.push(dispose);
  return { ...options, entities: CATALOG_ENTITIES, synchronize: true } as DataSourceOptions;
}

/** A DataSource class of the given typeorm, initialized and then changed by `change`. */
function dataSourceOf(typeorm: Pick<Typeorm, 'DataSource'>, change: (ds: DataSource) => void = () => undefined): MakeDataSource {
  return async (options) => {
    const ds = new typeorm.DataSource(options) as DataSource;
    opened.push(ds);
    await ds.initialize();
    change(ds);
    return ds;
  };
}

/** Starts a Nest app whose TypeOrmModule hands out the DataSource `make` builds. */
async function startWithModule(dialect: TestDialect, make: MakeDataSource): Promise<void> {
  const options = await connection(dialect);
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRootAsync({ useFactory: () => options, dataSourceFactory: (given) => make(given as DataSourceOptions) }),
      TenancyModule.forRoot(),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  disposers.push(() => app.close().catch(() => undefined));
  await app.init();
}

async function refusal(start: Promise<unknown> | (() => unknown)): Promise<TenancyConfigurationError> {
  try {
    await (typeof start === 'function' ? start() : start);
  } catch (error) {
    expect(error).toBeInstanceOf(TenancyConfigurationError);
    return error as TenancyConfigurationError;
  }
  throw new Error('the DataSource was bound: nothing refused it');
}

/** The typeorm these suites run on (1.1 here, 0.3 under scripts/matrix/typeorm-suites.sh). */
const INSTALLED = (
  JSON.parse(readFileSync(join(ROOT, 'node_modules', 'typeorm', 'package.json'), 'utf8')) as { version: string }
).version.replace(/\./g, '\\.');
const TWO_COPIES = new RegExp(
  `two copies of typeorm: the app's ${INSTALLED} at .*typeorm-copies-[^ ]*second[\\\\/]node_modules[\\\\/]typeorm, this library's ${INSTALLED} at .*node_modules[\\\\/]typeorm: install one`,
);

// Replacements for a DataSource's own classes, built on the patched ones.
class WithoutJoinFilterMember extends SelectQueryBuilder<ObjectLiteral> {}
Object.defineProperty(WithoutJoinFilterMember.prototype, 'createJoinExpression', { value: undefined });

class UnfilteredSelect extends SelectQueryBuilder<ObjectLiteral> {
  protected override createWhereExpression(): string {
    return '';
  }
}

class UnfilteredDelete extends DeleteQueryBuilder<ObjectLiteral> {
  protected override createWhereExpression(): string {
    return '';
  }
}

class SelectWithUnfilteredDelete extends SelectQueryBuilder<ObjectLiteral> {
  override delete(): DeleteQueryBuilder<ObjectLiteral> {
    return Object.setPrototypeOf(super.delete(), UnfilteredDelete.prototype) as DeleteQueryBuilder<ObjectLiteral>;
  }
}

/** Hands out copies of the value sets: the tenant stamp lands on the copies, not in the SQL. */
class UnstampedInsert extends InsertQueryBuilder<ObjectLiteral> {
  protected override getValueSets(): ObjectLiteral[] {
    return super.getValueSets().map((valueSet) => ({ ...valueSet }));
  }
}

class SelectWithUnstampedInsert extends SelectQueryBuilder<ObjectLiteral> {
  override insert(): InsertQueryBuilder<ObjectLiteral> {
    return Object.setPrototypeOf(super.insert(), UnstampedInsert.prototype) as InsertQueryBuilder<ObjectLiteral>;
  }
}

/** Every query builder the DataSource creates becomes an instance of `Builder`. */
const buildersAre = (Builder: { prototype: object }) => (ds: DataSource) => {
  const original = ds.createQueryBuilder.bind(ds) as (...args: unknown[]) => object;
  ds.createQueryBuilder = ((...args: unknown[]) =>
    Object.setPrototypeOf(original(...args), Builder.prototype)) as DataSource['createQueryBuilder'];
};

/** What this typeorm line's objects name their DataSource (typeorm/adapter): `connection` on 0.3. */
const OWNER = INSTALLED.startsWith('0\\.3') ? 'connection' : 'dataSource';

const MEMBER_CASES: Array<[string, (ds: DataSource) => void, RegExp]> = [
  [
    `a manager without "${OWNER}", the DataSource member of this typeorm line`,
    (ds) => Object.defineProperty(ds.manager, OWNER, { value: undefined }),
    new RegExp(`dataSource\\.manager \\(EntityManager\\) has no property "${OWNER}"`),
  ],
  [
    'a query builder class without createJoinExpression (the join filter)',
    buildersAre(WithoutJoinFilterMember),
    /dataSource\.createQueryBuilder\(\) \(WithoutJoinFilterMember\) has no method "createJoinExpression"/,
  ],
  [
    'a driver without supportedUpsertTypes (the upsert guard)',
    (ds) => Object.defineProperty(ds.driver, 'supportedUpsertTypes', { value: undefined }),
    /dataSource\.driver \(\w+Driver\) has no property "supportedUpsertTypes"/,
  ],
  [
    'a manager whose clear() is a getter (the clear guard)',
    (ds) => Object.defineProperty(ds.manager, 'clear', { get: () => () => undefined }),
    /dataSource\.manager \(EntityManager\) has no method "clear" \(found a getter\)/,
  ],
];

const CANARY_CASES: Array<[string, (ds: DataSource) => void, RegExp]> = [
  [
    'a SELECT builder that drops the tenant condition',
    buildersAre(UnfilteredSelect),
    /the canary SELECT for tenant-scoped entity "\w+".* has no tenant predicate/,
  ],
  [
    'a DELETE builder that drops the tenant condition',
    buildersAre(SelectWithUnfilteredDelete),
    /the canary DELETE for tenant-scoped entity "\w+".* has no tenant predicate/,
  ],
  [
    'an INSERT builder that loses the tenant stamp',
    buildersAre(SelectWithUnstampedInsert),
    /the canary INSERT for tenant-scoped entity "\w+".* carries no tenant stamp/,
  ],
];

describe.each(DIALECTS)('Bind-time refusals through TenancyModule ($name)', (dialect) => {
  it('[typeorm-copy] a DataSource of a second typeorm copy refuses to start, naming both copies', async () => {
    const error = await refusal(startWithModule(dialect, dataSourceOf(secondCopy)));
    expect(error.message).toMatch(TWO_COPIES);
  });

  it('[typeorm-copy] a DataSource subclass of a second typeorm copy refuses to start', async () => {
    class AppDataSource extends secondCopy.DataSource {}
    const error = await refusal(startWithModule(dialect, dataSourceOf({ DataSource: AppDataSource as unknown as Typeorm['DataSource'] })));
    expect(error.message).toMatch(TWO_COPIES);
  });

  for (const version of UNSUPPORTED) {
    it(`[typeorm-version] typeorm ${version} refuses to start, naming the supported ranges`, async () => {
      const error = await refusal(startWithModule(dialect, dataSourceOf(unsupportedCopies.get(version)!)));
      const escaped = version.replace(/\./g, '\\.');
      expect(error.message).toMatch(
        new RegExp(
          `typeorm ${escaped} at .*v${escaped}[\\\\/]node_modules[\\\\/]typeorm is not supported\\. nestjs-tenancy supports typeorm \\^0\\.3\\.20 \\|\\| \\^1\\.1\\.1: install one of them`,
        ),
      );
    });
  }

  for (const [what, change, message] of MEMBER_CASES) {
    it(`[typeorm-members] ${what} refuses to start, naming the member`, async () => {
      const error = await refusal(startWithModule(dialect, dataSourceOf({ DataSource }, change)));
      expect(error.message).toMatch(message);
    });
  }

  for (const [what, change, message] of CANARY_CASES) {
    it(`[bind-canary] ${what} refuses to start`, async () => {
      const error = await refusal(startWithModule(dialect, dataSourceOf({ DataSource }, change)));
      expect(error.message).toMatch(message);
    });
  }

  it("an unchanged DataSource of the app's one typeorm starts", async () => {
    await expect(startWithModule(dialect, dataSourceOf({ DataSource }))).resolves.toBeUndefined();
  });
});

describe('Bind-time refusals without the module (postgres)', () => {
  const postgres = DIALECTS.find((dialect) => dialect.name === 'postgres')!;
  const CONFIG = { prefix: 'tenant_', sharedSchema: 'public' };
  const make = async (typeorm: Pick<Typeorm, 'DataSource'>, change?: (ds: DataSource) => void) =>
    dataSourceOf(typeorm, change)({ ...(await connection(postgres)), synchronize: false } as DataSourceOptions);

  it('[typeorm-copy] enableSchemaTenancy refuses a DataSource of a second typeorm copy', async () => {
    const ds = await make(secondCopy);
    expect((await refusal(() => enableSchemaTenancy(ds, CONFIG))).message).toMatch(TWO_COPIES);
  });

  it('[typeorm-copy] installTenantRls refuses a DataSource of a second typeorm copy', async () => {
    const ds = await make(secondCopy);
    expect((await refusal(installTenantRls(ds))).message).toMatch(TWO_COPIES);
  });

  it('[typeorm-members] installTenantRls refuses a query runner without releasePostgresConnection', async () => {
    const ds = await make({ DataSource }, (source) => {
      const driver = source.driver as unknown as { createQueryRunner(mode: string): QueryRunner };
      const create = driver.createQueryRunner.bind(driver);
      driver.createQueryRunner = (mode) => Object.defineProperty(create(mode), 'releasePostgresConnection', { value: undefined });
    });
    expect((await refusal(installTenantRls(ds))).message).toMatch(
      /dataSource\.driver\.createQueryRunner\(\) \(PostgresQueryRunner\) has no method "releasePostgresConnection"/,
    );
  });

  it('[typeorm-members] installTenantRls refuses a pg Query class without handleDataRow', async () => {
    class QueryWithoutRows extends pg.Query {}
    Object.defineProperty(QueryWithoutRows.prototype, 'handleDataRow', { value: undefined });
    const ds = await make({ DataSource }, (source) => {
      const driver = source.driver as unknown as { postgres: typeof pg };
      driver.postgres = { ...driver.postgres, Query: QueryWithoutRows } as typeof pg;
    });
    expect((await refusal(installTenantRls(ds))).message).toMatch(
      /pg\.Query\.prototype \(QueryWithoutRows\) has no method "handleDataRow"/,
    );
  });

  it('[typeorm-members] enableSchemaTenancy refuses a schema builder without entityToSyncMetadatas', async () => {
    const ds = await make({ DataSource }, (source) => {
      const create = source.driver.createSchemaBuilder.bind(source.driver);
      source.driver.createSchemaBuilder = () => Object.defineProperty(create(), 'entityToSyncMetadatas', { value: undefined });
    });
    expect((await refusal(() => enableSchemaTenancy(ds, CONFIG))).message).toMatch(/has no getter "entityToSyncMetadatas"/);
  });

  it('[bind-canary] enableSchemaTenancy refuses query builders that drop the tenant condition', async () => {
    const ds = await make({ DataSource }, buildersAre(UnfilteredSelect));
    expect((await refusal(() => enableSchemaTenancy(ds, CONFIG))).message).toMatch(/the canary SELECT .* has no tenant predicate/);
  });

  it('[bind-canary] installTenantRls before initialize(): initialize() refuses query builders that drop the tenant condition', async () => {
    const ds = new DataSource({ ...(await connection(postgres)), synchronize: false } as DataSourceOptions);
    opened.push(ds);
    buildersAre(UnfilteredSelect)(ds);
    await installTenantRls(ds);
    expect((await refusal(ds.initialize())).message).toMatch(/the canary SELECT .* has no tenant predicate/);
    expect(ds.isInitialized).toBe(false);
  });

  it('[bind-canary] installTenantRls refuses query builders that drop the tenant condition', async () => {
    const ds = await make({ DataSource }, buildersAre(UnfilteredSelect));
    expect((await refusal(installTenantRls(ds))).message).toMatch(/the canary SELECT .* has no tenant predicate/);
  });
});
