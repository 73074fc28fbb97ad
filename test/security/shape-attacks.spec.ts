import { DataSource, type DataSourceOptions, type EntitySchema } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { runWithTenant, TenancyConfigurationError, tenantRlsTables } from 'nestjs-tenancy';
import { DIALECTS, type TestDialect } from '../support/dialects.js';
import {
  Animal,
  AnimalReport,
  Bird,
  Dog,
  MixedAnimal,
  MixedCar,
  MixedCat,
  MixedTaxi,
  MixedVehicle,
  NestedFolder,
} from '../support/shape.entities.js';

/**
 * Entity shapes the tenant filter cannot cover, refused when the DataSource
 * builds its metadata ([sti-scoping], [shared-table], [nested-set-refusal]).
 * Each case is the attack the shape would allow: it passes when the
 * DataSource refuses to start, and runs the attack when it does not, so that
 * removing the refusal shows the leak.
 */
type Entities = Array<string | (new () => unknown) | EntitySchema>;

type Opened = { refused: Error } | { ds: DataSource; close(): Promise<void> };

async function open(dialect: TestDialect, entities: Entities): Promise<Opened> {
  const { options, dispose } = await dialect.connection();
  const ds = new DataSource({ ...options, entities, synchronize: true } as DataSourceOptions);
  try {
    await ds.initialize();
  } catch (error) {
    await dispose();
    return { refused: error as Error };
  }
  return {
    ds,
    close: async () => {
      await ds.destroy();
      await dispose();
    },
  };
}

async function attempt(dialect: TestDialect, entities: Entities, rule: RegExp, attack: (ds: DataSource) => Promise<void>) {
  const opened = await open(dialect, entities);
  if ('refused' in opened) {
    expect(opened.refused).toBeInstanceOf(TenancyConfigurationError);
    expect(opened.refused.message).toMatch(rule);
    return;
  }
  try {
    await attack(opened.ds);
  } finally {
    await opened.close();
  }
}

const asA = <T>(fn: () => Promise<T>) => runWithTenant('a', fn);
const names = (rows: Array<{ name: string }>) => rows.map((row) => row.name).sort();

describe.each(DIALECTS)('Entity shape attacks ($name)', (dialect) => {
  const MIXED = [MixedAnimal, MixedCat];
  const STI_RULE =
    /entity "MixedCat" \(tenant-scoped\) is a single-table-inheritance child of "MixedAnimal" \(not scoped\).*Put @TenantScoped\(\) on the parent entity "MixedAnimal"/;
  const seedCats = async (ds: DataSource) => {
    for (const tenant of ['a', 'b']) await runWithTenant(tenant, () => ds.getRepository(MixedCat).save({ name: `${tenant}-cat` }));
  };
  const catsNamed = async (ds: DataSource, name: string) =>
    (await ds.query(`SELECT * FROM mixed_animals WHERE name = '${name}'`)) as unknown[];

  it("[sti-scoping] mixed inheritance: the unscoped parent repository find() reads every tenant's scoped children", () =>
    attempt(dialect, MIXED, STI_RULE, async (ds) => {
      await seedCats(ds);
      expect(names(await asA(() => ds.getRepository(MixedAnimal).find()))).toEqual(['a-cat']);
    }));

  it('[sti-scoping] mixed inheritance: the parent query builder getRawMany() reads them', () =>
    attempt(dialect, MIXED, STI_RULE, async (ds) => {
      await seedCats(ds);
      expect(await asA(() => ds.createQueryBuilder(MixedAnimal, 'animal').getRawMany())).toHaveLength(1);
    }));

  it('[sti-scoping] mixed inheritance: the parent count() counts them', () =>
    attempt(dialect, MIXED, STI_RULE, async (ds) => {
      await seedCats(ds);
      expect(await asA(() => ds.getRepository(MixedAnimal).count())).toBe(1);
    }));

  it("[sti-scoping] mixed inheritance: the parent update() renames another tenant's child", () =>
    attempt(dialect, MIXED, STI_RULE, async (ds) => {
      await seedCats(ds);
      await asA(() => ds.getRepository(MixedAnimal).update({ name: 'b-cat' }, { name: 'pwned' }));
      expect(await catsNamed(ds, 'b-cat')).toHaveLength(1);
    }));

  it("[sti-scoping] mixed inheritance: the parent delete() removes another tenant's child", () =>
    attempt(dialect, MIXED, STI_RULE, async (ds) => {
      await seedCats(ds);
      await asA(() => ds.getRepository(MixedAnimal).delete({ name: 'b-cat' }));
      expect(await catsNamed(ds, 'b-cat')).toHaveLength(1);
    }));

  it("[sti-scoping] mixed inheritance two levels down: the root repository reads every tenant's scoped grandchildren", () =>
    attempt(
      dialect,
      [MixedVehicle, MixedCar, MixedTaxi],
      /entity "MixedTaxi" \(tenant-scoped\) is a single-table-inheritance child of "Mixed(Vehicle|Car)" \(not scoped\)/,
      async (ds) => {
        for (const tenant of ['a', 'b']) await runWithTenant(tenant, () => ds.getRepository(MixedTaxi).save({ name: `${tenant}-taxi` }));
        expect(names(await asA(() => ds.getRepository(MixedVehicle).find()))).toEqual(['a-taxi']);
      },
    ));

  const SHARED_RULE =
    /entities "Animal" \(tenant-scoped\) and "AnimalReport" \(not scoped\) map onto the same table "animals".*Put @TenantScoped\(\) on "AnimalReport"/;
  const seedDogs = async (ds: DataSource) => {
    for (const tenant of ['a', 'b']) await runWithTenant(tenant, () => ds.getRepository(Dog).save({ name: `${tenant}-dog` }));
  };

  it("[shared-table] an unscoped entity mapped onto a scoped table reads every tenant's rows", () =>
    attempt(dialect, [Animal, Dog, Bird, AnimalReport], SHARED_RULE, async (ds) => {
      await seedDogs(ds);
      expect(names(await asA(() => ds.getRepository(AnimalReport).find()))).toEqual(['a-dog']);
    }));

  it("[shared-table] an unscoped entity mapped onto a scoped table deletes every tenant's rows", () =>
    attempt(dialect, [Animal, Dog, Bird, AnimalReport], SHARED_RULE, async (ds) => {
      await seedDogs(ds);
      await asA(() => ds.getRepository(AnimalReport).delete({ name: 'b-dog' }));
      expect(await ds.query(`SELECT * FROM animals WHERE name = 'b-dog'`)).toHaveLength(1);
    }));

  const NESTED_RULE =
    /@TenantScoped\(\) entity "NestedFolder" is a @Tree\('nested-set'\).*Use @Tree\('closure-table'\) or @Tree\('materialized-path'\)/;

  it("[nested-set-refusal] nested-set tree: another tenant's root blocks (and reveals) my first root", () =>
    attempt(dialect, [NestedFolder], NESTED_RULE, async (ds) => {
      const repo = ds.getTreeRepository(NestedFolder);
      await runWithTenant('b', () => repo.save({ name: 'b-root' }));
      await asA(() => repo.save({ name: 'a-root' }));
      expect(names(await asA(() => repo.findRoots()))).toEqual(['a-root']);
    }));

  it("[nested-set-refusal] nested-set tree: my child insert shifts nsleft/nsright of another tenant's rows", () =>
    attempt(dialect, [NestedFolder], NESTED_RULE, async (ds) => {
      const repo = ds.getTreeRepository(NestedFolder);
      const root = await asA(() => repo.save({ name: 'a-root' }));
      await ds.query(`INSERT INTO ns_folders (name, tenant_id, nsleft, nsright) VALUES ('b-root', 'b', 10, 11)`);
      await asA(() => repo.save({ name: 'a-child', parent: root }));
      expect(await ds.query(`SELECT nsleft, nsright FROM ns_folders WHERE tenant_id = 'b'`)).toEqual([{ nsleft: 10, nsright: 11 }]);
    }));
});

/** The way to model it: @TenantScoped on the parent covers the whole single-table hierarchy. */
describe.each(DIALECTS)('Scoped single-table inheritance ($name)', (dialect) => {
  const withHierarchy = async (fn: (ds: DataSource) => Promise<void>) => {
    const opened = await open(dialect, [Animal, Dog, Bird]);
    if ('refused' in opened) throw opened.refused;
    try {
      for (const tenant of ['a', 'b']) {
        await runWithTenant(tenant, async () => {
          await opened.ds.getRepository(Dog).save({ name: `${tenant}-dog`, barks: 1 });
          await opened.ds.getRepository(Bird).save({ name: `${tenant}-bird` });
        });
      }
      await fn(opened.ds);
    } finally {
      await opened.close();
    }
  };

  it("[where-filter] STI: the scoped parent repository find() reads only the tenant's children", () =>
    withHierarchy(async (ds) => expect(names(await asA(() => ds.getRepository(Animal).find()))).toEqual(['a-bird', 'a-dog'])));

  it("[where-filter] STI: the scoped parent query builder and count() see only the tenant's rows", () =>
    withHierarchy(async (ds) => {
      expect(await asA(() => ds.createQueryBuilder(Animal, 'animal').getRawMany())).toHaveLength(2);
      expect(await asA(() => ds.getRepository(Animal).count())).toBe(2);
    }));

  it("[where-filter] STI: a child repository reads and deletes only the tenant's rows", () =>
    withHierarchy(async (ds) => {
      expect(names(await asA(() => ds.getRepository(Dog).find()))).toEqual(['a-dog']);
      await asA(() => ds.getRepository(Animal).delete({ name: 'b-dog' }));
      expect(await ds.query(`SELECT * FROM animals WHERE name = 'b-dog'`)).toHaveLength(1);
    }));

  it("STI: Row-Level Security protects the hierarchy's one table", () =>
    withHierarchy(async (ds) => expect(tenantRlsTables(ds)).toEqual([expect.objectContaining({ table: 'animals', column: 'tenant_id' })])));
});
