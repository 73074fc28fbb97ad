import { Column, Entity, PrimaryGeneratedColumn, Tree, TreeChildren, TreeParent, type Relation } from 'typeorm';
import { TenantScoped } from 'nestjs-tenancy';

/** A tenant-scoped closure-table tree: TypeORM keeps its ancestor/descendant pairs in `folders_closure`. */
@Entity('folders')
@TenantScoped()
@Tree('closure-table')
export class Folder {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
  @TreeChildren() children: Relation<Folder[]>;
  @TreeParent() parent: Relation<Folder> | null;
}
