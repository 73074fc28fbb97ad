import { parseArgs } from 'node:util';
import { isValidTenantId } from 'nestjs-tenancy';
import type { DemoTokenRequest } from '../auth/demo-jwt.js';

export const TOKEN_USAGE = `usage: npm run demo:token -- [--admin] [--tenant <id>]... [--sub <subject>] [--expires <duration>]

  --admin           add role=admin: may call the @BypassTenant admin routes
  --tenant <id>     a tenant the token may act for (repeatable)
  --sub <subject>   the token's subject (default: demo-admin or demo-user)
  --expires <dur>   lifetime, e.g. 30m, 1h, 7d (default 1h)

Signed with JWT_SECRET (default: the demo's development secret).`;

export class TokenUsageError extends Error {
  override readonly name = 'TokenUsageError';
}

function parse(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    options: {
      admin: { type: 'boolean', default: false },
      tenant: { type: 'string', multiple: true, default: [] },
      sub: { type: 'string' },
      expires: { type: 'string', default: '1h' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

export function parseTokenArgs(args: string[]): DemoTokenRequest | 'help' {
  let values: ReturnType<typeof parse>['values'];
  try {
    ({ values } = parse(args));
  } catch (error) {
    // node:util reports unknown or malformed options as plain errors (code ERR_PARSE_ARGS_*).
    throw new TokenUsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';
  const invalid = values.tenant.find((tenant) => !isValidTenantId(tenant));
  if (invalid !== undefined) throw new TokenUsageError(`invalid tenant id ${JSON.stringify(invalid)}`);
  if (!values.admin && values.tenant.length === 0) throw new TokenUsageError('give --admin, or at least one --tenant <id>');
  if (!/^\d+[smhdw]$/.test(values.expires))
    throw new TokenUsageError(`--expires must look like 30m, 1h or 7d; got ${JSON.stringify(values.expires)}`);
  return {
    admin: values.admin,
    tenants: values.tenant,
    subject: values.sub ?? (values.admin ? 'demo-admin' : 'demo-user'),
    expiresIn: values.expires,
  };
}
