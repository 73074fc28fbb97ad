import { Controller, Get, Param, Post } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { BypassTenant } from 'nestjs-tenancy';
import { Product } from '../../support/catalog.entities.js';
import { HandlerLog } from './handler-log.js';

/** Cross-tenant admin routes: each run is written to the HandlerLog before anything else. */
@Controller('admin')
@BypassTenant()
export class AttackAdminController {
  constructor(
    @InjectRepository(Product) private readonly products: Repository<Product>,
    private readonly log: HandlerLog,
  ) {}

  @Get('products')
  async all() {
    this.log.ran.push('admin.all');
    return { names: (await this.products.find({ order: { id: 'ASC' } })).map((row) => row.name) };
  }

  /** Deletes one tenant's products: the kind of route an attacker wants most. */
  @Post('purge/:tenant')
  async purge(@Param('tenant') tenant: string) {
    this.log.ran.push('admin.purge');
    const result = await this.products.delete({ tenantId: tenant });
    return { deleted: result.affected ?? 0 };
  }
}
