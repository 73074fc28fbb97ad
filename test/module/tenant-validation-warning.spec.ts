import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CustomTenantResolver,
  HeaderTenantResolver,
  SubdomainTenantResolver,
  TenancyModule,
  type TenancyModuleOptions,
} from 'nestjs-tenancy';

/** The start-up warning for a tenant that nothing validates (no DataSource needed: the options alone decide). */
async function warningsOf(register: () => ReturnType<typeof TenancyModule.forRoot>): Promise<string[]> {
  const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  const moduleRef = await Test.createTestingModule({ imports: [register()] }).compile();
  const app = await moduleRef.createNestApplication({ logger: false }).init();
  await app.close();
  return warn.mock.calls.map(([message]) => String(message)).filter((message) => message.includes('validateTenant'));
}

afterEach(() => vi.restoreAllMocks());

const viaForRoot = (options: TenancyModuleOptions) => () => TenancyModule.forRoot(options);
const viaForRootAsync = (options: TenancyModuleOptions) => () => TenancyModule.forRootAsync({ useFactory: async () => options });

describe.each([
  ['forRoot', viaForRoot],
  ['forRootAsync', viaForRootAsync],
])('Unvalidated tenants warning (%s)', (_, via) => {
  it('warns once, naming validateTenant, with only the default header resolver', async () => {
    const warnings = await warningsOf(via({}));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/No "validateTenant" option: .*HeaderTenantResolver.*any well-formed tenant id is accepted/);
  });

  it('warns for other client-controlled sources without validateTenant', async () => {
    const warnings = await warningsOf(
      via({ resolvers: [new SubdomainTenantResolver({ baseDomain: 'example.com' }), new HeaderTenantResolver()] }),
    );
    expect(warnings).toHaveLength(1);
  });

  it('does not warn when validateTenant is set', async () => {
    expect(await warningsOf(via({ validateTenant: () => true }))).toEqual([]);
  });

  it('does not warn when a custom resolver vouches for the tenant', async () => {
    expect(await warningsOf(via({ resolvers: [new CustomTenantResolver(() => undefined)] }))).toEqual([]);
  });
});
