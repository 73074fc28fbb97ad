import type { DiscoveryService } from '@nestjs/core';
import type { DataSource } from 'typeorm';

/** A TypeORM DataSource of any copy of typeorm: what @nestjs/typeorm registers, recognised by shape. */
function looksLikeDataSource(value: unknown): value is DataSource {
  const candidate = value as
    | (Partial<Record<'createQueryBuilder' | 'initialize', unknown>> & {
        options?: unknown;
      })
    | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.createQueryBuilder === 'function' &&
    typeof candidate.initialize === 'function' &&
    typeof candidate.options === 'object'
  );
}

/**
 * The DataSource the app registered under a token this library cannot ask
 * for: @nestjs/typeorm keys the default DataSource by typeorm's DataSource
 * class, so an app whose @nestjs/typeorm loads another copy of typeorm
 * registers it under that copy's class. Found by shape, it is handed to the
 * preflight, which refuses it (two copies of typeorm) instead of leaving the
 * app's queries unfiltered.
 */
export function findUnreachableDataSource(discovery: DiscoveryService, name: string | undefined): DataSource | undefined {
  const wanted = name ?? 'default';
  for (const wrapper of discovery.getProviders()) {
    // @nestjs/typeorm's tokens: typeorm's DataSource class (default) or "<name>DataSource". Only
    // those are read: other providers may be CLS proxies that throw on any property access.
    const token: unknown = wrapper.token;
    const dataSourceToken =
      typeof token === 'function' ? token.name === 'DataSource' : typeof token === 'string' && token.endsWith('DataSource');
    const instance: unknown = wrapper.instance;
    if (!dataSourceToken || !looksLikeDataSource(instance)) continue;
    const own = (instance.options as { name?: string }).name ?? 'default';
    if (own === wanted) return instance;
  }
  return undefined;
}
