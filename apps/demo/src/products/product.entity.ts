import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { TenantScoped, TenantUnique } from 'nestjs-tenancy';
import { Project } from '../projects/project.entity.js';

/** SKUs are unique per tenant: two tenants may sell the same SKU. */
@Entity('products')
@TenantScoped()
@TenantUnique(['sku'])
export class Product {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  // float, not decimal: both drivers return decimals as strings.
  @Column({ type: 'float' })
  price: number;

  @Column({ type: 'varchar', length: 64 })
  sku: string;

  // The foreign key as a plain column, so responses carry it without a join.
  @Column({ name: 'project_id', type: 'int', nullable: true })
  projectId: number | null;

  @ManyToOne(() => Project, (project) => project.products, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'project_id' })
  project: Relation<Project> | null;

  declare tenantId: string;
}
