import { Controller, Get } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { getCurrentTenant } from 'nestjs-tenancy';
import { Product } from '../../support/catalog.entities.js';

/** The tenant in the URL, e.g. behind a gateway that authorises by path. */
@Controller('tenants/:tenantId/products')
export class AttackTenantPathController {
  constructor(@InjectRepository(Product) private readonly products: Repository<Product>) {}

  @Get()
  async list() {
    const rows = await this.products.find({ order: { id: 'ASC' } });
    return { tenant: getCurrentTenant(), names: rows.map((row) => row.name) };
  }
}
