import type { DataSource } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner.js';
import { TenantBulkhead, type TenantBulkheadOptions } from '../concurrency/tenant-bulkhead.js';
import { getCurrentTenant } from '../context/tenant-store.js';
import type { TypeormAdapter } from './adapter/typeorm-adapter.js';

const bulkheads = new WeakMap<DataSource, TenantBulkhead>();
const SLOT = Symbol('tenancy:tenant-slot');
const PENDING = Symbol('tenancy:pending-connect');

interface RunnerInternals {
  databaseConnection?: unknown;
  databaseConnectionPromise?: Promise<unknown>;
  [SLOT]?: () => void;
  [PENDING]?: Promise<unknown>;
}

/** Limits each tenant of `dataSource` to `options.max` pooled connections at once (option `tenantConcurrency`). */
export function bindTenantConcurrency(dataSource: DataSource, options: TenantBulkheadOptions): void {
  bulkheads.set(dataSource, new TenantBulkhead(options));
}

/**
 * The bulkhead sits on the pooled connection itself: a runner of a tenant
 * takes a slot before it asks the pool for a client and gives it back when
 * it returns the client. The connection is the resource a stalled tenant
 * exhausts (every request blocked on its lock holds one), so counting
 * connections protects the pool whatever the transport (HTTP, microservice,
 * job in runWithTenant), where counting requests would not see a request
 * that holds two runners, nor work outside a request. Work without a tenant
 * (health checks, the tenants registry) is never limited.
 */
export function patchTenantConcurrency(typeorm: TypeormAdapter): void {
  const proto = PostgresQueryRunner.prototype as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const connect = proto.connect;
  proto.connect = function (this: RunnerInternals) {
    if (this.databaseConnection || this.databaseConnectionPromise) return connect.call(this);
    const pending = this[PENDING];
    if (pending) return pending;
    const bulkhead = bulkheads.get(typeorm.dataSourceOf(this));
    const tenantId = bulkhead ? getCurrentTenant() : undefined;
    if (!bulkhead || tenantId === undefined) return connect.call(this);
    return (this[PENDING] = bulkhead.acquire(tenantId).then(async (releaseSlot) => {
      this[SLOT] = releaseSlot;
      try {
        return await connect.call(this);
      } catch (error) {
        this[SLOT] = undefined;
        releaseSlot();
        throw error;
      }
    }));
  };
  const release = proto.releasePostgresConnection;
  proto.releasePostgresConnection = function (this: RunnerInternals, ...args: unknown[]) {
    const released = release.apply(this, args);
    const releaseSlot = this[SLOT];
    // Written only when a slot was taken: runners without a bulkhead keep their shape.
    if (releaseSlot) {
      this[SLOT] = undefined;
      releaseSlot();
    }
    return released;
  };
}
