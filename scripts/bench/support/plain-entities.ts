import { Column, Entity, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';

/**
 * The baseline: plain TypeORM, the tenant column written and filtered by hand.
 * This module must not import nestjs-tenancy, so the baseline process runs
 * TypeORM without any of the library's query-builder hooks.
 */
@Entity('categories')
export class PlainCategory {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
}

@Entity('products')
export class PlainProduct {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
  @Column() sku: string;
  @Column({ type: 'float', default: 0 }) price: number;
  @Column({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @ManyToOne(() => PlainCategory, { nullable: true }) category: Relation<PlainCategory> | null;
}
