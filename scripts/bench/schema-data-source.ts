import { Column, CreateDateColumn, DataSource, Entity, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { TenantIndex, TenantScoped } from 'nestjs-tenancy';

/** Shared tenants registry. */
@Entity('organizations')
export class Organization {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
}

@Entity('projects')
@TenantScoped()
export class Project {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @CreateDateColumn() createdAt: Date;
}

@Entity('products')
@TenantScoped()
@TenantIndex(['sku'], { unique: true })
export class Product {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
  @Column() sku: string;
  @Column({ type: 'numeric', precision: 10, scale: 2, default: 0 }) price: string;
  @ManyToOne(() => Project, { nullable: true }) project: Relation<Project> | null;
}

/** The schema-strategy benchmark's DataSource: `BENCH_DATABASE_URL` (default: local test server). */
export const dataSource = new DataSource({
  type: 'postgres',
  url: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/tenancy_bench',
  entities: [Organization, Project, Product],
  poolSize: 5,
});
