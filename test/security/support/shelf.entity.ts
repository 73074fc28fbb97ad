import { Entity, JoinTable, ManyToMany, PrimaryGeneratedColumn, Column, type Relation } from 'typeorm';
import { Product } from '../../support/catalog.entities.js';

/**
 * A shelf shared by every tenant (not scoped) that lists products of several
 * tenants: the victim side of a junction attack is tenant b's product on it.
 */
@Entity('shelves')
export class Shelf {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
  @ManyToMany(() => Product) @JoinTable({ name: 'shelf_products' }) products: Relation<Product[]>;
}
