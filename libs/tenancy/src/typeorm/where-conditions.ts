/** Puts extra conditions in front of a statement's own WHERE, which stays parenthesised (its ORs stay inside). */
export function prependConditions(where: string, conditions: string[]): string {
  if (conditions.length === 0) return where;
  const extra = conditions.join(' AND ');
  const at = where.indexOf(' WHERE ');
  return at === -1 ? `${where} WHERE ${extra}` : `${where.slice(0, at)} WHERE ${extra} AND (${where.slice(at + ' WHERE '.length)})`;
}
