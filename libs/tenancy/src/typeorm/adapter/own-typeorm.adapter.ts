import { DataSource, EntityManager } from 'typeorm';
import type { TypeormAdapter } from './typeorm-adapter.js';
import { typeormAdapterOf } from './typeorm-adapter.select.js';

/**
 * The adapter of the typeorm copy this library imports: the one whose
 * prototypes its patches wrap. Read once by each patch installer; a DataSource
 * of another copy is refused at bind time (data-source.preflight.ts).
 */
export function ownTypeormAdapter(): TypeormAdapter {
  return typeormAdapterOf(DataSource, EntityManager);
}
