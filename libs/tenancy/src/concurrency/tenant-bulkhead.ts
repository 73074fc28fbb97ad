import { TenantBusyError } from '../errors/tenant-busy.error.js';

export interface TenantBulkheadOptions {
  /** Connections one tenant may hold at once. */
  max: number;
  /** How long a unit of work over the limit waits for a slot before TENANT_BUSY. */
  queueTimeoutMs: number;
  /** The Retry-After of the TENANT_BUSY answer. */
  retryAfterSeconds: number;
}

interface Waiter {
  grant(): void;
}

interface TenantSlots {
  active: number;
  waiting: Waiter[];
}

/**
 * A per-tenant semaphore: each tenant may hold `max` slots; the next ones
 * wait in FIFO order up to `queueTimeoutMs`, then fail with TenantBusyError.
 * A tenant with nothing held and nothing waiting has no entry, so memory
 * follows the tenants active right now, not all tenants ever seen.
 */
export class TenantBulkhead {
  private readonly tenants = new Map<string, TenantSlots>();

  constructor(readonly options: TenantBulkheadOptions) {}

  /** Resolves with a release function once the tenant has a slot. */
  async acquire(tenantId: string): Promise<() => void> {
    let slots = this.tenants.get(tenantId);
    if (!slots) this.tenants.set(tenantId, (slots = { active: 0, waiting: [] }));
    if (slots.active < this.options.max) {
      slots.active++;
      return this.releaser(tenantId, slots);
    }
    const queue = slots.waiting;
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        queue.splice(queue.indexOf(waiter), 1);
        reject(new TenantBusyError(tenantId, this.options.retryAfterSeconds));
      }, this.options.queueTimeoutMs);
      queue.push(waiter);
    });
    // The slot was handed over by release(): `active` already counts it.
    return this.releaser(tenantId, slots);
  }

  /** Slots held by a tenant now (for tests and metrics). */
  held(tenantId: string): number {
    return this.tenants.get(tenantId)?.active ?? 0;
  }

  private releaser(tenantId: string, slots: TenantSlots): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = slots.waiting.shift();
      if (next) return next.grant();
      slots.active--;
      if (slots.active === 0 && slots.waiting.length === 0) this.tenants.delete(tenantId);
    };
  }
}
