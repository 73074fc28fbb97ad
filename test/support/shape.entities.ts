import {
  ChildEntity,
  Column,
  Entity,
  PrimaryGeneratedColumn,
  TableInheritance,
  Tree,
  TreeChildren,
  TreeParent,
  type Relation,
} from 'typeorm';
import { TenantScoped } from 'nestjs-tenancy';

/**
 * Entity shapes around inheritance, trees and shared tables. The refused
 * shapes (see test/security/shape-attacks.spec.ts) each sit in their own
 * tables so a suite only loads the entities it names.
 */

// Single-table inheritance, mixed: an unscoped parent with a scoped child (refused).
@Entity('mixed_animals')
@TableInheritance({ column: { type: 'varchar', name: 'kind' } })
export class MixedAnimal {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
}

@ChildEntity('cat')
@TenantScoped()
export class MixedCat extends MixedAnimal {
  declare tenantId: string;
}

// Two levels: the scoped class is a grandchild (refused).
@Entity('mixed_vehicles')
@TableInheritance({ column: { type: 'varchar', name: 'kind' } })
export class MixedVehicle {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
}

@ChildEntity('car')
export class MixedCar extends MixedVehicle {}

@ChildEntity('taxi')
@TenantScoped()
export class MixedTaxi extends MixedCar {
  declare tenantId: string;
}

// Single-table inheritance, fully scoped: the parent carries @TenantScoped, children inherit it.
@Entity('animals')
@TableInheritance({ column: { type: 'varchar', name: 'kind' } })
@TenantScoped()
export class Animal {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
  declare tenantId: string;
}

@ChildEntity('dog')
export class Dog extends Animal {
  @Column({ type: 'int', nullable: true }) barks: number | null;
}

@ChildEntity('bird')
export class Bird extends Animal {}

// An unscoped entity mapped onto a scoped entity's table (refused).
@Entity('animals')
export class AnimalReport {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
}

// Trees.
@Entity('ns_folders')
@Tree('nested-set')
@TenantScoped()
export class NestedFolder {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
  @TreeChildren() children: Relation<NestedFolder[]>;
  @TreeParent() parent: Relation<NestedFolder> | null;
  declare tenantId: string;
}

@Entity('ct_folders')
@Tree('closure-table')
@TenantScoped()
export class ClosureFolder {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
  @TreeChildren() children: Relation<ClosureFolder[]>;
  @TreeParent() parent: Relation<ClosureFolder> | null;
  declare tenantId: string;
}

@Entity('mp_folders')
@Tree('materialized-path')
@TenantScoped()
export class PathFolder {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
  @TreeChildren() children: Relation<PathFolder[]>;
  @TreeParent() parent: Relation<PathFolder> | null;
  declare tenantId: string;
}
