import { ApiProperty } from '@nestjs/swagger';
import { ProductResponseDto } from './product-response.dto.js';

export class ProductListResponseDto {
  @ApiProperty({ example: 'tenant_a' }) tenant_id: string;
  @ApiProperty({ type: [ProductResponseDto] }) products: ProductResponseDto[];
}
