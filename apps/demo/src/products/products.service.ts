import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { ProjectsService } from '../projects/projects.service.js';
import type { CreateProductDto } from './create-product.dto.js';
import { isForeignKeyViolation, isUniqueViolation } from './is-unique-violation.js';
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
    return this.writeUnique(dto.sku, dto.projectId, () => this.products.save(product));
  }

  /**
   * One UPDATE ... WHERE id, never load-then-save(): save() inserts when the
   * row is gone, so a PATCH racing a DELETE brought the deleted product back
   * under a new id. Zero rows updated is a 404, whoever deleted it.
   */
  async update(id: number, dto: UpdateProductDto): Promise<Product> {
    await this.assertProjectVisible(dto.projectId);
    const changes: Partial<Pick<Product, 'name' | 'price' | 'sku' | 'projectId'>> = {};
    if (dto.name !== undefined) changes.name = dto.name;
    if (dto.price !== undefined) changes.price = dto.price;
    if (dto.sku !== undefined) changes.sku = dto.sku;
    if (dto.projectId !== undefined) changes.projectId = dto.projectId;
    if (Object.keys(changes).length > 0) {
      const { affected } = await this.writeUnique(dto.sku, dto.projectId, () => this.products.update({ id }, changes));
      if (!affected) throw new NotFoundException(`Product ${id} not found`);
    }
    return this.get(id);
  }

  /** One DELETE ... WHERE id: of two concurrent deletes, one is a 204 and the other a 404. */
  async remove(id: number): Promise<void> {
    const { affected } = await this.products.delete({ id });
    if (!affected) throw new NotFoundException(`Product ${id} not found`);
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

  private async writeUnique<T>(sku: string | undefined, projectId: number | null | undefined, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictException(`SKU ${sku} already exists`);
      if (isForeignKeyViolation(error)) throw new NotFoundException(`Project ${projectId} not found`);
      throw error;
    }
  }
}
