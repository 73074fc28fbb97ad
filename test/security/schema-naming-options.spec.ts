import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { TenancyModule, type TenancyModuleOptions, type TenancySchemaOptions } from 'nestjs-tenancy';

/**
 * Schema strategy options that would let a tenant id name the shared schema
 * (tenant "common" of shared schema "tenant_common") or a reserved one are
 * refused at start-up. No database: the options alone decide. Its own file,
 * so that a mutated validator's declared strategy cannot reach other suites.
 */
const BAD_NAMINGS: Array<[string, TenancySchemaOptions, RegExp]> = [
  [
    'a shared schema inside the tenant prefix (tenant "common" = tenant_common)',
    { sharedSchema: 'tenant_common' },
    /"schema.sharedSchema" "tenant_common" starts with the tenant prefix/,
  ],
  ['the prefix equal to the shared schema', { prefix: 'shared', sharedSchema: 'shared' }, /"schema.sharedSchema"/],
  [
    'a pg_ prefix (tenant "catalog" = pg_catalog)',
    { prefix: 'pg_' },
    /"schema.prefix" "pg_" would let a tenant id name the reserved schema "pg_\*"/,
  ],
  [
    'a prefix that starts "public" (tenant "ublic")',
    { prefix: 'p', sharedSchema: 'shared' },
    /"schema.prefix" "p" would let a tenant id name the reserved schema "public"/,
  ],
  ['a prefix that starts "information_schema"', { prefix: 'information' }, /reserved schema "information_schema"/],
  [
    'a system schema as the shared schema',
    { prefix: 'tenant_', sharedSchema: 'pg_catalog' },
    /"schema.sharedSchema" "pg_catalog" is a PostgreSQL system schema/,
  ],
];

describe('Schema naming attacks: options (no database)', () => {
  for (const [what, schema, message] of BAD_NAMINGS) {
    for (const register of ['forRoot', 'forRootAsync'] as const) {
      it(`[shared-schema-config] ${what} is refused at start-up (${register})`, async () => {
        const options: TenancyModuleOptions = { strategy: 'schema', schema };
        const module =
          register === 'forRoot' ? TenancyModule.forRoot(options) : TenancyModule.forRootAsync({ useFactory: async () => options });
        const start = Test.createTestingModule({ imports: [module] })
          .compile()
          .then((ref) => ref.createNestApplication({ logger: false }).init());
        await expect(start).rejects.toThrow(message);
      });
    }
  }
});
