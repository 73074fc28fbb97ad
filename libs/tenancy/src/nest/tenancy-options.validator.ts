import { resolveTenantConcurrency } from '../concurrency/tenant-concurrency.options.js';
import { DEFAULT_TENANT_ID_PATTERN } from '../constants.js';
import { TenancyConfigurationError } from '../errors/tenancy-configuration.error.js';
import { resolveHttpOptions, TENANCY_HTTP_OPTION_NAMES } from '../transport/tenancy-http-options.validator.js';
import { assertSchemaNaming } from '../schema/tenant-schema-name.js';
import type { ResolvedTenancyOptions, TenancyModuleOptions } from './tenancy-options.interface.js';
import { LoggerAuditSink, logAuditFailure } from './logger-audit.sink.js';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function oneOf<T extends string>(option: string, value: T | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) {
    throw new TenancyConfigurationError(option, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}; got ${JSON.stringify(value)}.`);
  }
  return value;
}

/** Every option name; an unknown one is a typo that would silently do nothing. */
export const TENANCY_OPTION_NAMES: readonly string[] = [
  'strategy',
  'onMissingTenant',
  'tenantIdPattern',
  'dataSource',
  'schema',
  'rls',
  'citus',
  'audit',
  'allowUnauditedBypass',
  'registerClsModule',
  ...TENANCY_HTTP_OPTION_NAMES,
  'tenantConcurrency',
];

/** Applies defaults and fails start-up with a message naming the option to fix. */
export function resolveTenancyOptions(options: TenancyModuleOptions = {}): ResolvedTenancyOptions {
  const unknown = Object.keys(options).filter((name) => !TENANCY_OPTION_NAMES.includes(name));
  if (unknown.length > 0) {
    throw new TenancyConfigurationError(
      unknown[0],
      `is not an option of TenancyModule; known options: ${TENANCY_OPTION_NAMES.join(', ')}.`,
    );
  }
  const pattern = options.tenantIdPattern ?? DEFAULT_TENANT_ID_PATTERN;
  if (!(pattern instanceof RegExp)) {
    throw new TenancyConfigurationError('tenantIdPattern', 'must be a RegExp such as /^[a-z0-9_-]{1,63}$/.');
  }
  if (!pattern.source.startsWith('^') || !pattern.source.endsWith('$')) {
    throw new TenancyConfigurationError(
      'tenantIdPattern',
      `must be anchored with ^ and $, or a partial match would accept any id containing a valid one; got ${String(pattern)}.`,
    );
  }
  if (options.dataSource !== undefined && (typeof options.dataSource !== 'string' || options.dataSource === '')) {
    throw new TenancyConfigurationError(
      'dataSource',
      'must be the name given to TypeOrmModule.forRoot({ name }), or left out for the default DataSource.',
    );
  }
  const schema = { prefix: 'tenant_', sharedSchema: 'public', ...options.schema };
  if (!IDENTIFIER.test(schema.prefix)) {
    throw new TenancyConfigurationError(
      'schema.prefix',
      `must be a lower-case SQL identifier start such as 'tenant_'; got ${JSON.stringify(schema.prefix)}.`,
    );
  }
  if (!IDENTIFIER.test(schema.sharedSchema)) {
    throw new TenancyConfigurationError(
      'schema.sharedSchema',
      `must be a lower-case SQL identifier such as 'public'; got ${JSON.stringify(schema.sharedSchema)}.`,
    );
  }
  assertSchemaNaming(schema);
  if (options.audit !== undefined && typeof options.audit?.record !== 'function') {
    throw new TenancyConfigurationError('audit', 'must be an object with a record(event) method.');
  }
  if (options.allowUnauditedBypass !== undefined && typeof options.allowUnauditedBypass !== 'boolean') {
    throw new TenancyConfigurationError('allowUnauditedBypass', 'must be true or false.');
  }
  const badMigration = (schema.migrations ?? []).find((m) => typeof m !== 'function' || !/\d{13}$/.test(m.name));
  if (schema.migrations !== undefined && (!Array.isArray(schema.migrations) || badMigration !== undefined)) {
    throw new TenancyConfigurationError(
      'schema.migrations',
      `must be an array of TypeORM migration classes whose names end with a 13-digit timestamp (e.g. CreateLedger1700000000000).`,
    );
  }
  const strategy = oneOf('strategy', options.strategy, ['row', 'schema'], 'row');
  const rls = options.rls ?? false;
  if (rls && strategy !== 'row') {
    throw new TenancyConfigurationError('rls', `applies to the row strategy only; remove it or use strategy: 'row'.`);
  }
  const citus = options.citus ?? false;
  if (typeof citus !== 'boolean') {
    throw new TenancyConfigurationError('citus', `must be true or false; got ${JSON.stringify(citus)}.`);
  }
  const allowUnauditedBypass = options.allowUnauditedBypass ?? false;
  return {
    strategy,
    onMissingTenant: oneOf('onMissingTenant', options.onMissingTenant, ['throw', 'unfiltered'], 'throw'),
    tenantIdPattern: pattern,
    dataSource: options.dataSource,
    schema: strategy === 'schema' && citus ? { ...schema, citus } : schema,
    rls,
    citus,
    audit: options.audit,
    allowUnauditedBypass,
    // Handed to every context this module opens and to the DataSource it binds; frozen, like the defaults.
    context: Object.freeze({
      tenantIdPattern: pattern,
      audit: options.audit ?? new LoggerAuditSink(),
      allowUnauditedBypass,
      // A query without the tenant filter cannot be routed to one shard and runs on every node.
      bypassDetails: citus ? { routing: 'all-shards' } : undefined,
      reportAuditFailure: logAuditFailure,
    }),
    ...resolveHttpOptions(options),
    tenantConcurrency: resolveTenantConcurrency(options.tenantConcurrency),
  };
}
