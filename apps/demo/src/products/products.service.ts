import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { ProjectsService } from '../projects/projects.service.js';
import type { CreateProductDto } from './create-product.dto.js';
import { isUniqueViolation } from './is-unique-violation.js';
import { Product } from './product.entity.js';
import type { UpdateProductDto } from './update-product.dto.js';

@Injectable()
export class ProductsService {
  constructor(
    @InjectRepository(Product) private readonly products: Repository<Product>,
    private readonly projects: ProjectsService,
  ) {}

  list(): Promise<Product[]> {
    return this.products.find({ order: { id: 'ASC' } });
  }

  /** Another tenant's product is simply not found: its existence is not revealed. */
  async get(id: number): Promise<Product> {
    const product = await this.products.findOneBy({ id });
    if (!product) throw new NotFoundException(`Product ${id} not found`);
    return product;
  }

  async create(dto: CreateProductDto): Promise<Product> {
    await this.assertProjectVisible(dto.projectId);
    const product = this.products.create({ name: dto.name, price: dto.price, sku: dto.sku, projectId: dto.projectId ?? null });
    return this.saveUnique(product);
  }

  async update(id: number, dto: UpdateProductDto): Promise<Product> {
    const product = await this.get(id);
    await this.assertProjectVisible(dto.projectId);
    if (dto.name !== undefined) product.name = dto.name;
    if (dto.price !== undefined) product.price = dto.price;
    if (dto.sku !== undefined) product.sku = dto.sku;
    if (dto.projectId !== undefined) product.projectId = dto.projectId;
    return this.saveUnique(product);
  }

  async remove(id: number): Promise<void> {
    await this.products.remove(await this.get(id));
  }

  /**
   * A foreign key is a value the client chooses: without this check a tenant
   * could attach its product to another tenant's project id. The project
   * lookup is tenant-filtered, so a foreign id is "not found".
   */
  private async assertProjectVisible(projectId: number | null | undefined): Promise<void> {
    if (projectId === undefined || projectId === null) return;
    if (!(await this.projects.findOne(projectId))) throw new NotFoundException(`Project ${projectId} not found`);
  }

  private async saveUnique(product: Product): Promise<Product> {
    try {
      return await this.products.save(product);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictException(`SKU ${product.sku} already exists`);
      throw error;
    }
  }
}
