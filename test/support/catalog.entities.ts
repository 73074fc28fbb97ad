import {
  BaseEntity,
  Column,
  DeleteDateColumn,
  Entity,
  JoinTable,
  ManyToMany,
  ManyToOne,
  OneToMany,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { TenantScoped, TenantUnique } from 'nestjs-tenancy';

/** Shared, not tenant-scoped: a global catalogue of categories. */
@Entity('categories')
export class Category {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
  @OneToMany(() => Product, (product) => product.category) products: Relation<Product[]>;
}

/** The tenants registry (unscoped). */
@Entity('organizations')
export class Organization {
  @PrimaryColumn({ type: 'varchar', length: 64 }) id: string;
  @Column() name: string;
}

@Entity('products')
@TenantScoped()
@TenantUnique(['sku'])
export class Product extends BaseEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
  @Column({ type: 'varchar', length: 32 }) sku: string;
  @Column({ type: 'float', default: 0 }) price: number;
  @Column({ type: 'int', default: 0 }) stock: number;
  @DeleteDateColumn({ nullable: true }) deletedAt: Date | null;
  @ManyToOne(() => Category, (category) => category.products, { nullable: true }) category: Relation<Category> | null;
  @OneToMany(() => Review, (review) => review.product) reviews: Relation<Review[]>;
  @ManyToMany(() => Tag) @JoinTable({ name: 'product_tags' }) tags: Relation<Tag[]>;
  declare tenantId: string;
}

@Entity('reviews')
@TenantScoped()
export class Review {
  @PrimaryGeneratedColumn() id: number;
  @Column() body: string;
  @ManyToOne(() => Product, (product) => product.reviews, { nullable: true, onDelete: 'CASCADE' }) product: Relation<Product> | null;
  declare tenantId: string;
}

@Entity('tags')
@TenantScoped()
export class Tag {
  @PrimaryGeneratedColumn() id: number;
  @Column() label: string;
  declare tenantId: string;
}

/** Eager and lazy relations to a scoped entity. */
@Entity('notes')
@TenantScoped({ column: 'org_id', length: 40 })
export class Note {
  @PrimaryGeneratedColumn() id: number;
  @Column() text: string;
  @ManyToOne(() => Product, { eager: true, nullable: true, onDelete: 'SET NULL' }) pinned: Relation<Product> | null;
  @ManyToOne(() => Product, { lazy: true, nullable: true, onDelete: 'SET NULL' }) about: Promise<Product | null>;
  declare tenantId: string;
}

export const CATALOG_ENTITIES = [Category, Organization, Product, Review, Tag, Note];
