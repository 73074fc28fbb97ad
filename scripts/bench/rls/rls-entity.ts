import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TenantScoped } from 'nestjs-tenancy';

@Entity('bench_products')
@TenantScoped()
export class BenchProduct {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
  @Column({ type: 'varchar', length: 32 }) sku: string;
  @Column({ type: 'int', default: 0 }) price: number;
  declare tenantId: string;
}

export const TENANTS = Array.from({ length: 50 }, (_, i) => `t${i}`);
export const ROWS_PER_TENANT = 200;
