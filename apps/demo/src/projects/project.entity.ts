import { Column, Entity, OneToMany, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { TenantScoped } from 'nestjs-tenancy';
import { Product } from '../products/product.entity.js';

@Entity('projects')
@TenantScoped()
export class Project {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @OneToMany(() => Product, (product) => product.project)
  products: Relation<Product[]>;

  declare tenantId: string;
}
