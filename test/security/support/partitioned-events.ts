import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TenantScoped } from 'nestjs-tenancy';

/** A tenant-scoped entity whose table the owner partitions by hand, by tenant (LIST). */
@Entity('events')
@TenantScoped()
export class TenantEvent {
  @PrimaryColumn() id: number;
  @Column() body: string;
}

/** The owner's DDL: a list-partitioned table, one partition per tenant, c split again by hash. */
export const PARTITIONED_EVENTS_DDL = [
  `CREATE TABLE events (id int NOT NULL, body text NOT NULL, tenant_id varchar NOT NULL, PRIMARY KEY (tenant_id, id)) PARTITION BY LIST (tenant_id)`,
  `CREATE TABLE events_a PARTITION OF events FOR VALUES IN ('a')`,
  `CREATE TABLE events_b PARTITION OF events FOR VALUES IN ('b')`,
  `CREATE TABLE events_c PARTITION OF events FOR VALUES IN ('c') PARTITION BY HASH (id)`,
  `CREATE TABLE events_c0 PARTITION OF events_c FOR VALUES WITH (MODULUS 2, REMAINDER 0)`,
  `CREATE TABLE events_c1 PARTITION OF events_c FOR VALUES WITH (MODULUS 2, REMAINDER 1)`,
];

export const EVENTS_SEED = `INSERT INTO events (id, body, tenant_id) VALUES
  (1, 'a-1', 'a'), (2, 'a-2', 'a'), (3, 'b-1', 'b'), (4, 'b-2', 'b'), (5, 'c-1', 'c'), (6, 'c-2', 'c')`;
