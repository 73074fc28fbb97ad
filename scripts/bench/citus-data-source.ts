import { enableCitusKeys } from 'nestjs-tenancy';
import { DataSource } from 'typeorm';
import { DEMO_ENTITIES } from '../../apps/demo/src/database/demo-entities.js';

/**
 * The demo's entities, row strategy with Citus keys, on `BENCH_DATABASE_URL`:
 * the Citus benchmark's DataSource, and a module `tenancy citus status
 * --data-source` can load (as an app's own data-source file would be).
 */
export const dataSource = enableCitusKeys(
  new DataSource({
    type: 'postgres',
    url: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/tenancy_bench',
    entities: DEMO_ENTITIES,
    poolSize: 5,
  }),
);
