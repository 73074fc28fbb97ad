import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The tenants registry: not tenant-scoped, a tenant's id is its primary key. */
@Entity('organizations')
export class Organization {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @CreateDateColumn()
  createdAt: Date;
}
