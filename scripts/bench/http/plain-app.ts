import { BadRequestException, Controller, Get, Headers, Module, type DynamicModule } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { ClsModule } from 'nestjs-cls';
import type { Repository } from 'typeorm';
import { PlainCategory, PlainProduct } from '../support/plain-entities.js';
import { ROWS_PER_TENANT } from './bench-config.js';

/** The same id rule the library applies, so that the baseline does the same checking. */
const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/** The endpoint as written without the library: the tenant read from the header and put in the query by hand. */
@Controller('products')
class PlainProductsController {
  constructor(@InjectRepository(PlainProduct) private readonly products: Repository<PlainProduct>) {}

  @Get()
  async list(@Headers('x-tenant-id') tenantId: string | undefined) {
    if (!tenantId || !TENANT_ID.test(tenantId)) throw new BadRequestException('x-tenant-id is required');
    const products = await this.products.find({ where: { tenantId }, order: { id: 'ASC' }, take: ROWS_PER_TENANT });
    return { tenant_id: tenantId, products };
  }
}

/**
 * Never imports nestjs-tenancy: its TypeORM hooks must not be loaded in this
 * process. `withCls` mounts nestjs-cls' middleware, nothing else.
 */
export function plainModule(url: string, withCls: boolean): DynamicModule {
  @Module({})
  class PlainBenchModule {}
  return {
    module: PlainBenchModule,
    imports: [
      TypeOrmModule.forRoot({ type: 'postgres', url, entities: [PlainCategory, PlainProduct] }),
      TypeOrmModule.forFeature([PlainProduct]),
      ...(withCls ? [ClsModule.forRoot({ global: true, middleware: { mount: true } })] : []),
    ],
    controllers: [PlainProductsController],
  };
}
