import { describe, expect, it } from 'vitest';
import { assertRowsOfTenant } from './load-check.js';

const keys = [{ entity: 'Product', tenant: 'p_tenant_id', id: 'p_id' }];
const mismatch = expect.objectContaining({ code: 'TENANT_UNSUPPORTED_QUERY' });

describe('assertRowsOfTenant', () => {
  it("passes the tenant's own rows", () => {
    expect(() => assertRowsOfTenant([{ p_id: 1, p_tenant_id: 'a' }], keys, 'a')).not.toThrow();
  });

  it('refuses a row of another tenant, naming the entity, not the tenant', () => {
    let error: unknown;
    try {
      assertRowsOfTenant(
        [
          { p_id: 1, p_tenant_id: 'a' },
          { p_id: 2, p_tenant_id: 'b' },
        ],
        keys,
        'a',
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toEqual(mismatch);
    expect((error as Error).message).toContain('"Product"');
    expect((error as Error).message).not.toContain('"b"');
  });

  it('refuses a row of no tenant whose primary key is there', () => {
    expect(() => assertRowsOfTenant([{ p_id: 1, p_tenant_id: null }], keys, 'a')).toThrow(mismatch);
  });

  it("skips an outer join's missing row (every column NULL) and a tenant column that was not selected", () => {
    expect(() => assertRowsOfTenant([{ p_id: null, p_tenant_id: null }, { p_id: 3 }], keys, 'a')).not.toThrow();
  });

  it('compares without coercion: a number is not the tenant id it prints as', () => {
    expect(() => assertRowsOfTenant([{ p_id: 1, p_tenant_id: 7 }], keys, '7')).toThrow(mismatch);
  });

  it('passes no rows at all, and refuses rows in a shape it does not know instead of passing them unchecked', () => {
    expect(() => assertRowsOfTenant(undefined, keys, 'a')).not.toThrow();
    expect(() => assertRowsOfTenant({ records: [{ p_id: 2, p_tenant_id: 'b' }] }, keys, 'a')).toThrow(
      expect.objectContaining({ code: 'TENANT_UNSUPPORTED_QUERY' }),
    );
  });
});
