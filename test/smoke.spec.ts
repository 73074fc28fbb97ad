import { describe, expect, it } from 'vitest';
import { bypassTenantFilter, runWithTenant } from 'nestjs-tenancy';
import { CATALOG_ENTITIES, Product } from './support/catalog.entities.js';
import { DIALECTS } from './support/dialects.js';

describe.each(DIALECTS)('smoke on $name', (dialect) => {
  it('filters', async () => {
    const { dataSource, close, statements } = await dialect.open(CATALOG_ENTITIES);
    try {
      const repo = dataSource.getRepository(Product);
      await runWithTenant('a', () => repo.insert({ name: 'A1', sku: 'S-1' }));
      await runWithTenant('b', () => repo.insert({ name: 'B1', sku: 'S-1' }));
      const a = await runWithTenant('a', () => repo.find({ relations: { reviews: true, tags: true }, take: 5 }));
      expect(a.map((p) => p.name)).toEqual(['A1']);
      const all = await bypassTenantFilter(() => repo.find());
      expect(all).toHaveLength(2);
      await expect(repo.find()).rejects.toMatchObject({ code: 'TENANT_REQUIRED' });
      console.log(statements.statements.slice(0, 6).join('\n'));
    } finally {
      await close();
    }
  });
});
