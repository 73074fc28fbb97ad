import { Body, Controller, Get, Post } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { BypassTenant, CurrentTenant } from 'nestjs-tenancy';
import { Repository } from 'typeorm';
import { Product } from './product.entity.js';

@Controller()
export class ProductsController {
  constructor(@InjectRepository(Product) private readonly products: Repository<Product>) {}

  @Get('products') // the X-Tenant-ID tenant's products only
  list(@CurrentTenant() tenant: string) {
    return this.products.find({ order: { id: 'ASC' } }).then((items) => ({ tenant, items }));
  }

  @Post('products') // stamped with the request's tenant
  create(@Body() body: { name: string }) {
    return this.products.save(this.products.create({ name: String(body.name) }));
  }

  @Get('admin/products') // every tenant's products, when canBypass allows it; audited
  @BypassTenant()
  all() {
    return this.products.find({ order: { id: 'ASC' } });
  }
}
