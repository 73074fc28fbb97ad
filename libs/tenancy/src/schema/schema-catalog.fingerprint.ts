import type { DataSource } from 'typeorm';

/**
 * Everything TypeORM's schema diff reads from one schema, as text with the
 * schema's own name taken out (a foreign key or a serial default names its
 * own schema): tables, columns (type, nullability, default, identity,
 * generation, collation, comment), constraints, indexes, enum and domain
 * types, views. Two schemas with the same fingerprint get the same diff from
 * the same entities, so once one of them is up to date, so is the other.
 */
const FINGERPRINTS = `
WITH tenant AS (
  SELECT oid, nspname, quote_ident(nspname) || '.' AS own FROM pg_namespace WHERE nspname = ANY($1::text[])
), items AS (
  SELECT t.nspname, concat_ws(' ', 'r', c.relname, c.relkind, c.relpersistence, obj_description(c.oid, 'pg_class')) AS item
  FROM tenant t JOIN pg_class c ON c.relnamespace = t.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  UNION ALL
  SELECT t.nspname, concat_ws(' ', 'c', c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,
    a.attgenerated, replace(pg_get_expr(d.adbin, d.adrelid), t.own, ''), co.collname, col_description(c.oid, a.attnum))
  FROM tenant t JOIN pg_class c ON c.relnamespace = t.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
  LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 100
  UNION ALL
  SELECT t.nspname, concat_ws(' ', 'k', c.relname, k.conname, k.condeferrable, k.condeferred, replace(pg_get_constraintdef(k.oid), t.own, ''))
  FROM tenant t JOIN pg_constraint k ON k.connamespace = t.oid LEFT JOIN pg_class c ON c.oid = k.conrelid
  UNION ALL
  SELECT t.nspname, concat_ws(' ', 'i', replace(pg_get_indexdef(i.indexrelid), t.own, ''), obj_description(i.indexrelid, 'pg_class'))
  FROM tenant t JOIN pg_class c ON c.relnamespace = t.oid JOIN pg_index i ON i.indrelid = c.oid
  UNION ALL
  SELECT t.nspname, concat_ws(' ', 'e', y.typname, y.typtype, format_type(y.typbasetype, y.typtypmod),
    (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = y.oid))
  FROM tenant t JOIN pg_type y ON y.typnamespace = t.oid AND y.typtype IN ('e', 'd')
  UNION ALL
  SELECT t.nspname, concat_ws(' ', 'v', c.relname, replace(pg_get_viewdef(c.oid), t.own, ''))
  FROM tenant t JOIN pg_class c ON c.relnamespace = t.oid AND c.relkind IN ('v', 'm')
)
SELECT t.nspname AS schema, md5(coalesce(string_agg(i.item, E'\\n' ORDER BY i.item), '')) AS fingerprint
FROM tenant t LEFT JOIN items i ON i.nspname = t.nspname GROUP BY t.nspname`;

/** Catalog fingerprint of each of `schemas`, in one query; a schema that does not exist has none. */
export async function catalogFingerprints(dataSource: DataSource, schemas: string[]): Promise<Map<string, string>> {
  const rows: Array<{ schema: string; fingerprint: string }> = await dataSource.query(FINGERPRINTS, [schemas]);
  return new Map(rows.map((row) => [row.schema, row.fingerprint]));
}

/**
 * Whether the fingerprint covers everything the diff depends on for these
 * entities: TypeORM keeps view definitions and generated-column expressions
 * in its own typeorm_metadata table, which the catalog does not show.
 */
export function fingerprintCoversEntities(dataSource: DataSource): boolean {
  return dataSource.entityMetadatas.every(
    (metadata) => metadata.tableType !== 'view' && metadata.columns.every((column) => column.generatedType === undefined),
  );
}
