import { Controller, Get, Module, type DynamicModule } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { ClsModule } from 'nestjs-cls';
import type { Repository } from 'typeorm';
import { CurrentTenant, HeaderTenantResolver, JwtTenantResolver, TenancyModule } from 'nestjs-tenancy';
import { Category, Product } from '../support/tenant-entities.js';
import { JWT_AUDIENCE, JWT_ISSUER, JWT_SECRET, ROWS_PER_TENANT, TENANTS_CLAIM } from './bench-config.js';

/** The same endpoint with the library: no tenant in the handler or the query. */
@Controller('products')
class TenantProductsController {
  constructor(@InjectRepository(Product) private readonly products: Repository<Product>) {}

  @Get()
  async list(@CurrentTenant() tenantId: string) {
    const products = await this.products.find({ order: { id: 'ASC' }, take: ROWS_PER_TENANT });
    return { tenant_id: tenantId, products };
  }
}

/**
 * The demo's pipeline: nestjs-cls middleware, the global TenantGuard, a
 * verified JWT whose tenant list the header picks from, then the header.
 * `guardOpensContext`: no CLS middleware; the guard enters the request's
 * context itself (README, "Taking control").
 */
export function tenancyModule(url: string, guardOpensContext: boolean): DynamicModule {
  @Module({})
  class TenancyBenchModule {}
  return {
    module: TenancyBenchModule,
    imports: [
      TypeOrmModule.forRoot({ type: 'postgres', url, entities: [Category, Product] }),
      TypeOrmModule.forFeature([Product]),
      ...(guardOpensContext ? [ClsModule.forRoot({ global: true })] : []),
      TenancyModule.forRoot({
        ...(guardOpensContext ? { registerClsModule: false } : {}),
        resolvers: [
          new JwtTenantResolver({ secret: JWT_SECRET, issuer: JWT_ISSUER, audience: JWT_AUDIENCE, claim: TENANTS_CLAIM }),
          new HeaderTenantResolver(),
        ],
      }),
    ],
    controllers: [TenantProductsController],
  };
}
