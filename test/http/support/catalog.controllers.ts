import { Body, Controller, Get, Param, ParseIntPipe, Post, Put } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Repository } from 'typeorm';
import {
  BypassTenant,
  CurrentTenant,
  getCurrentTenant,
  isTenantFilterBypassed,
  SchemaTenancyService,
  TenantOptional,
} from 'nestjs-tenancy';
import { Product } from '../../support/catalog.entities.js';

export interface ProductView {
  name: string;
  tenantId: string;
}

const view = (rows: Product[]): ProductView[] => rows.map((row) => ({ name: row.name, tenantId: row.tenantId }));

/** Tenant-scoped routes: what a tenant's own API looks like. */
@Controller('products')
export class ProductsController {
  constructor(@InjectRepository(Product) private readonly products: Repository<Product>) {}

  @Get()
  async list(@CurrentTenant() tenant: string | undefined) {
    // A random pause makes concurrent requests interleave inside the handler.
    await sleep(Math.floor(Math.random() * 5));
    const rows = await this.products.find({ order: { id: 'ASC' } });
    // Read again after the query: the context must still be this request's.
    return { tenant, contextTenant: getCurrentTenant(), products: view(rows) };
  }

  @Post()
  async create(@Body() body: Partial<Product>) {
    const saved = await this.products.save(this.products.create(body));
    return { name: saved.name, tenantId: saved.tenantId };
  }

  /** Naive update that copies the body onto the row, tenantId included. */
  @Put(':id')
  async update(@Param('id', ParseIntPipe) id: number, @Body() body: Partial<Product>) {
    const row = await this.products.findOneByOrFail({ id });
    const saved = await this.products.save(Object.assign(row, body));
    return { name: saved.name, tenantId: saved.tenantId };
  }
}

/** The tenant as a path parameter. */
@Controller('tenants/:tenantId/products')
export class TenantPathController {
  constructor(@InjectRepository(Product) private readonly products: Repository<Product>) {}

  @Get()
  async list(@Param('tenantId') param: string, @CurrentTenant() tenant: string) {
    return { param, tenant, products: view(await this.products.find({ order: { id: 'ASC' } })) };
  }
}

@Controller('health')
@TenantOptional()
export class HealthController {
  constructor(@InjectRepository(Product) private readonly products: Repository<Product>) {}

  @Get()
  health(@CurrentTenant() tenant: string | undefined) {
    return { ok: true, tenant: tenant ?? null };
  }

  /** An optional route that still touches tenant data: it must fail closed without a tenant. */
  @Get('products')
  async countProducts() {
    return { count: await this.products.count() };
  }
}

/** Cross-tenant reporting, for admins only. */
@Controller('admin')
@BypassTenant()
export class AdminController {
  constructor(@InjectRepository(Product) private readonly products: Repository<Product>) {}

  @Get('products')
  async all() {
    return { bypassed: isTenantFilterBypassed(), products: view(await this.products.find({ order: { id: 'ASC' } })) };
  }
}

/** A handler-level bypass inside an ordinary controller. */
@Controller('reports')
export class ReportsController {
  constructor(@InjectRepository(Product) private readonly products: Repository<Product>) {}

  @Get('count')
  @BypassTenant()
  async count() {
    return { count: await this.products.count() };
  }

  @Get('mine')
  async mine() {
    return { count: await this.products.count() };
  }
}

/** A developer's mistake: `queryRunner.clearTable()` empties the table for every tenant, so inside a tenant it is refused. */
export async function clearWholeTable(products: Repository<Product>): Promise<{ cleared: true }> {
  const runner = products.manager.connection.createQueryRunner();
  try {
    await runner.clearTable(products.metadata.tableName);
  } finally {
    await runner.release();
  }
  return { cleared: true };
}

/** Developer mistakes that reach a request: the server's fault, never the client's. */
@Controller('mistakes')
export class MistakesController {
  constructor(
    @InjectRepository(Product) private readonly products: Repository<Product>,
    private readonly schemas: SchemaTenancyService,
  ) {}

  /** Raw SQL over every tenant's rows, inside a tenant: TENANT_UNSUPPORTED_QUERY. */
  @Post('clear-table')
  clearTable() {
    return clearWholeTable(this.products);
  }

  /** The schema strategy's service on a row-strategy app: TENANCY_CONFIGURATION. */
  @Get('tenant-schemas')
  async tenantSchemas() {
    return { tenants: await this.schemas.listTenantSchemas() };
  }
}

export const CATALOG_CONTROLLERS = [ProductsController, TenantPathController, HealthController, AdminController, ReportsController];
