import { Column, Entity, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { TenantScoped } from 'nestjs-tenancy';

/** The same tables as plain-entities.ts, with the tenant handled by the library. */
@Entity('categories')
export class Category {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
}

@Entity('products')
@TenantScoped()
export class Product {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
  @Column() sku: string;
  @Column({ type: 'float', default: 0 }) price: number;
  @ManyToOne(() => Category, { nullable: true }) category: Relation<Category> | null;
  declare tenantId: string;
}
