import { ApiProperty } from '@nestjs/swagger';
import type { Product } from './product.entity.js';

export class ProductResponseDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty() price: number;
  @ApiProperty() sku: string;
  @ApiProperty({ type: Number, nullable: true }) project_id: number | null;
  @ApiProperty({ example: 'tenant_a' }) tenant_id: string;

  static from(product: Product): ProductResponseDto {
    return {
      id: product.id,
      name: product.name,
      price: product.price,
      sku: product.sku,
      project_id: product.projectId ?? null,
      tenant_id: product.tenantId,
    };
  }
}
