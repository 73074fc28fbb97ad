import type { DataSource } from 'typeorm';

// Per DataSource, so the Citus patches (shared by all DataSources) act only on the ones given Citus keys.
const applied = new WeakSet<DataSource>();

/** Whether this DataSource's scoped entities carry the tenant column in their keys. */
export function hasCitusKeys(dataSource: DataSource): boolean {
  return applied.has(dataSource);
}

export function markCitusKeys(dataSource: DataSource): void {
  applied.add(dataSource);
}
