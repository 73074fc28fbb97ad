/**
 * The PostgreSQL settings the policies read and the session writes. Fixed
 * names rather than options: a policy committed in a migration years ago must
 * keep reading what today's session writes.
 */
export const RLS_TENANT_SETTING = 'app.tenant_id';
export const RLS_BYPASS_SETTING = 'app.tenant_bypass';
/** The value of RLS_BYPASS_SETTING that opens every row. */
export const RLS_BYPASS_ON = 'on';

/** One policy per command, so `\d table` and audits show what each one allows. */
export const RLS_POLICIES = {
  select: 'tenancy_select',
  insert: 'tenancy_insert',
  update: 'tenancy_update',
  delete: 'tenancy_delete',
} as const;
