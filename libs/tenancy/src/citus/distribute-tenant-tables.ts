import pg from 'pg';
import type { QueryRunner } from 'typeorm';
import { TenancyConfigurationError } from '../errors/tenancy-configuration.error.js';
import { ownTypeormAdapter } from '../typeorm/adapter/own-typeorm.adapter.js';
import { hasCitusKeys } from './citus-keys.state.js';
import { requireCitus } from './citus-extension.js';
import { citusPlan, type CitusTablePlan } from './citus-tables.js';

export interface DistributeTenantTablesResult {
  /** Tables this call distributed or made reference tables, in order. */
  created: CitusTablePlan[];
  /** Tables that already were what the plan asks for. */
  unchanged: CitusTablePlan[];
}

interface CitusTableRow {
  type: string;
  column: string;
}

async function currentPlacement(queryRunner: QueryRunner, table: string): Promise<CitusTableRow | undefined> {
  // A 'local' table is a Citus-managed local table: Citus made it one when a
  // reference table it points at was created. It still has to be distributed.
  const rows = (await queryRunner.query(
    `SELECT citus_table_type AS type, distribution_column AS column FROM citus_tables WHERE table_name = $1::regclass AND citus_table_type <> 'local'`,
    [table],
  )) as CitusTableRow[];
  return rows[0];
}

/**
 * For a migration: distributes every tenant table by its tenant column, all
 * co-located (so joins between them stay on one node), and turns the shared
 * tables they reference into reference tables (a copy on every node).
 * Idempotent: tables already placed as planned are left alone, so it can run
 * in every deployment; a table placed differently is an error, never changed.
 */
export async function distributeTenantTables(queryRunner: QueryRunner): Promise<DistributeTenantTablesResult> {
  const dataSource = ownTypeormAdapter().dataSourceOf(queryRunner);
  if (!hasCitusKeys(dataSource)) {
    throw new TenancyConfigurationError(
      'citus',
      'is not enabled on this DataSource, so its tenant tables have single-column keys that Citus cannot distribute. Set TenancyModule.forRoot({ citus: true }) or call enableCitusKeys(dataSource) before initialize().',
    );
  }
  await requireCitus(queryRunner, 'distributeTenantTables');
  const plan = citusPlan(dataSource);
  if (plan.problems.length > 0) throw new TenancyConfigurationError('citus', `cannot distribute this schema: ${plan.problems.join(' ')}`);

  const result: DistributeTenantTablesResult = { created: [], unchanged: [] };
  let anchor: string | undefined;
  const toPlace: CitusTablePlan[] = [];
  for (const table of plan.tables) {
    const current = await currentPlacement(queryRunner, table.table);
    if (current && current.type === table.kind && (table.kind === 'reference' || current.column === table.column)) {
      result.unchanged.push(table);
      if (table.kind === 'distributed') anchor ??= table.table;
      continue;
    }
    if (current) {
      const by = current.column && current.column !== '<none>' ? ` by ${current.column}` : '';
      throw new TenancyConfigurationError(
        'citus',
        `cannot distribute ${table.table}: it is already a ${current.type} table${by}, the plan needs a ${table.kind} table${table.column ? ` by ${table.column}` : ''}. Undo it with undistribute_table('${table.table}') first.`,
      );
    }
    toPlace.push(table);
  }
  if (toPlace.length === 0) return result;
  const ownTransaction = !queryRunner.isTransactionActive;
  if (ownTransaction) await queryRunner.startTransaction();
  try {
    // DDL on distributed tables in one transaction must not open parallel
    // connections to a shard that this transaction already changed.
    await queryRunner.query(`SET LOCAL citus.multi_shard_modify_mode TO 'sequential'`);
    const foreignKeys = await detachForeignKeys(queryRunner, toPlace);
    for (const table of toPlace) {
      if (table.kind === 'reference') {
        await queryRunner.query(`SELECT create_reference_table($1::regclass)`, [table.table]);
      } else {
        // Every tenant table joins one co-location group: the shards holding
        // one tenant's rows of every table live on the same node.
        await queryRunner.query(`SELECT create_distributed_table($1::regclass, $2, colocate_with => $3)`, [
          table.table,
          table.column,
          anchor ?? 'default',
        ]);
        anchor ??= table.table;
      }
      result.created.push(table);
    }
    for (const foreignKey of foreignKeys) {
      await queryRunner.query(
        `ALTER TABLE ${foreignKey.table} ADD CONSTRAINT ${pg.escapeIdentifier(foreignKey.name)} ${foreignKey.definition}`,
      );
    }
    if (ownTransaction) await queryRunner.commitTransaction();
  } catch (error) {
    if (ownTransaction) await queryRunner.rollbackTransaction();
    throw error;
  }
  return result;
}

interface ForeignKeyDefinition {
  table: string;
  name: string;
  definition: string;
}

/**
 * Citus accepts a foreign key only between tables it already placed (both
 * distributed and co-located, or pointing at a reference table), while
 * TypeORM created them between plain tables. The keys touching a table about
 * to be placed are dropped and re-added, with the same name and definition,
 * once every table is placed.
 */
async function detachForeignKeys(queryRunner: QueryRunner, tables: CitusTablePlan[]): Promise<ForeignKeyDefinition[]> {
  const names = tables.map((table) => table.table);
  const foreignKeys = (await queryRunner.query(
    `SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
      WHERE contype = 'f' AND (conrelid = ANY($1::regclass[]) OR confrelid = ANY($1::regclass[])) ORDER BY conrelid, conname`,
    [names],
  )) as ForeignKeyDefinition[];
  for (const foreignKey of foreignKeys) {
    await queryRunner.query(`ALTER TABLE ${foreignKey.table} DROP CONSTRAINT ${pg.escapeIdentifier(foreignKey.name)}`);
  }
  return foreignKeys;
}
