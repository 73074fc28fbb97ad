import { Column, Entity, PrimaryGeneratedColumn, type DataSource } from 'typeorm';
import type { RlsFixture } from './rls-fixture.js';

/**
 * The `products` table as an ORM that knows nothing about tenancy sees it: no
 * @TenantScoped, so the ORM filter, stamping and write guards never apply to
 * it, while `tenant_id` is an ordinary column anyone can set.
 */
@Entity('products')
export class UnfilteredProduct {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
  @Column({ type: 'varchar', length: 32 }) sku: string;
  @Column({ type: 'varchar', length: 64, name: 'tenant_id' }) tenantId: string;
}

/**
 * Test-only switch: the ORM tenant filter off for one DataSource. It is a
 * second app-role DataSource over the same tables, mapped by unscoped
 * entities and with `rls: true`, so whatever reaches rows does so through the
 * database policies alone. (The core caches scoping per entity class, so
 * this is the switch that needs no hook in production code.)
 */
export function switchOrmFilterOff(fx: RlsFixture): Promise<DataSource> {
  return fx.openApp([UnfilteredProduct], { logging: ['query'], logger: fx.statements });
}
