import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TenantScoped } from 'nestjs-tenancy';

@Entity('products')
@TenantScoped() // adds tenantId (column tenant_id): every query is filtered by it, every insert stamped
export class Product {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
  declare tenantId: string; // declared, not decorated: @TenantScoped owns the column
}
