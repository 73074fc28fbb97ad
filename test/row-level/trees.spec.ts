import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWithTenant } from 'nestjs-tenancy';
import { DIALECTS, type TestDataSource } from '../support/dialects.js';
import { ClosureFolder, PathFolder } from '../support/shape.entities.js';

/**
 * Closure-table and materialized-path trees of a scoped entity stay per
 * tenant on every TreeRepository read (nested-set trees are refused at
 * start-up: see test/security/shape-attacks.spec.ts).
 */
type Folder = ClosureFolder | PathFolder;
const KINDS = [
  ['closure-table', ClosureFolder],
  ['materialized-path', PathFolder],
] as const;

const names = (folders: Array<{ name: string }>) => folders.map((folder) => folder.name).sort();
const flatten = (folders: Folder[]): string[] => folders.flatMap((folder) => [folder.name, ...flatten(folder.children ?? [])]).sort();

describe.each(DIALECTS)('Tenant-scoped trees ($name)', (dialect) => {
  let db: TestDataSource;
  beforeAll(async () => {
    db = await dialect.open([ClosureFolder, PathFolder]);
    for (const [, Entity] of KINDS) {
      const repo = db.dataSource.getTreeRepository<Folder>(Entity);
      for (const tenant of ['a', 'b']) {
        await runWithTenant(tenant, async () => {
          const root = await repo.save(repo.create({ name: `${tenant}-root` }));
          const child = await repo.save(repo.create({ name: `${tenant}-child`, parent: root }));
          await repo.save(repo.create({ name: `${tenant}-leaf`, parent: child }));
        });
      }
    }
  });
  afterAll(() => db.close());

  describe.each(KINDS)('%s', (_, Entity) => {
    const repo = () => db.dataSource.getTreeRepository<Folder>(Entity);
    const node = (name: string) => runWithTenant(name[0], () => repo().findOneByOrFail({ name }));

    it("findTrees() returns only the tenant's tree", async () => {
      expect(flatten(await runWithTenant('a', () => repo().findTrees()))).toEqual(['a-child', 'a-leaf', 'a-root']);
      expect(flatten(await runWithTenant('b', () => repo().findTrees()))).toEqual(['b-child', 'b-leaf', 'b-root']);
    });

    it("findRoots() returns only the tenant's roots", async () => {
      expect(names(await runWithTenant('a', () => repo().findRoots()))).toEqual(['a-root']);
    });

    it('findDescendants() and countDescendants() stay in the tenant', async () => {
      const root = await node('a-root');
      expect(names(await runWithTenant('a', () => repo().findDescendants(root)))).toEqual(['a-child', 'a-leaf', 'a-root']);
      expect(await runWithTenant('a', () => repo().countDescendants(root))).toBe(3);
    });

    it('findAncestors() stays in the tenant', async () => {
      const leaf = await node('b-leaf');
      expect(names(await runWithTenant('b', () => repo().findAncestors(leaf)))).toEqual(['b-child', 'b-leaf', 'b-root']);
    });

    it("another tenant's node yields no descendants and no ancestors", async () => {
      const theirs = await node('b-root');
      const theirLeaf = await node('b-leaf');
      expect(await runWithTenant('a', () => repo().findDescendants(theirs))).toEqual([]);
      expect(await runWithTenant('a', () => repo().findAncestors(theirLeaf))).toEqual([]);
    });
  });
});
