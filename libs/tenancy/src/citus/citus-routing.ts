let distributed = false;

/** Called when a DataSource gets Citus keys: from then on bypasses read distributed tables. */
export function markCitusInUse(): void {
  distributed = true;
}

/**
 * Audit details of a bypass: on Citus a query without the tenant filter
 * cannot be routed to one shard and runs on every node, which the audit
 * states so that such reads are easy to find (and to rate-limit).
 */
export function withBypassRouting(details: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  return distributed ? { ...details, routing: 'all-shards' } : details;
}
