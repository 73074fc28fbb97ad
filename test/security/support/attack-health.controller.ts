import { Controller, Get } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { getCurrentTenant, TenantOptional } from 'nestjs-tenancy';
import { Product } from '../../support/catalog.entities.js';

/** Routes that need no tenant (probes, login pages) but may still touch tenant data by mistake. */
@Controller('health')
@TenantOptional()
export class AttackHealthController {
  constructor(@InjectRepository(Product) private readonly products: Repository<Product>) {}

  @Get()
  health() {
    return { tenant: getCurrentTenant() ?? null };
  }

  /** A probe that lists products: with no tenant it must fail closed, not list everyone's. */
  @Get('products')
  async listProducts() {
    const rows = await this.products.find({ order: { id: 'ASC' } });
    return { tenant: getCurrentTenant() ?? null, names: rows.map((row) => row.name) };
  }
}
