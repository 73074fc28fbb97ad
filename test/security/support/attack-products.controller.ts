import { Body, Controller, Delete, Get, NotFoundException, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { InjectDataSource } from '@nestjs/typeorm';
import { getCurrentTenant } from 'nestjs-tenancy';
import { Product } from '../../support/catalog.entities.js';

/** The same body whatever the reason, as a real API should answer: no hint that the id exists elsewhere. */
const notFound = () => new NotFoundException('Product not found');

/**
 * A tenant's ordinary product API, written the way application code is
 * written: no tenant in sight. Every attack goes through these handlers.
 */
@Controller('products')
export class AttackProductsController {
  constructor(
    @InjectRepository(Product) private readonly products: Repository<Product>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Get()
  async list() {
    const rows = await this.products.find({ order: { id: 'ASC' } });
    return { tenant: getCurrentTenant(), names: rows.map((row) => row.name) };
  }

  @Get(':id')
  async get(@Param('id', ParseIntPipe) id: number) {
    const row = await this.products.findOneBy({ id });
    if (!row) throw notFound();
    return { id: row.id, name: row.name };
  }

  /** Update by criteria, no read first: the filter on the UPDATE is all that stands in the way. */
  @Patch(':id')
  async rename(@Param('id', ParseIntPipe) id: number, @Body() body: { name: string }) {
    const result = await this.products.update({ id }, { name: body.name });
    if (!result.affected) throw notFound();
    return { id };
  }

  @Delete(':id')
  async remove(@Param('id', ParseIntPipe) id: number) {
    const result = await this.products.delete({ id });
    if (!result.affected) throw notFound();
    return { id };
  }

  /** Naive create: the client's body goes to save() as it is, tenantId included. */
  @Post()
  async create(@Body() body: Partial<Product>) {
    const saved = await this.products.save(this.products.create(body));
    return { name: saved.name, tenantId: saved.tenantId };
  }

  /** A bulk import, listeners off for speed as bulk paths often are: only the query-builder guard sees the rows. */
  @Post('import')
  async import(@Body() body: { rows: Partial<Product>[] }) {
    await this.dataSource.createQueryBuilder().insert().into(Product).values(body.rows).callListeners(false).execute();
    return { imported: body.rows.length };
  }
}
