import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentTenant } from 'nestjs-tenancy';
import { TENANT_HEADER } from '../docs/setup-swagger.js';
import { ParseIdPipe } from '../http/parse-id.pipe.js';
import { CreateProductDto } from './create-product.dto.js';
import { ProductListResponseDto } from './product-list-response.dto.js';
import { ProductResponseDto } from './product-response.dto.js';
import { ProductsService } from './products.service.js';
import { UpdateProductDto } from './update-product.dto.js';

@ApiTags('products')
@ApiHeader({ name: TENANT_HEADER, required: true, description: 'Tenant id, e.g. tenant_a', example: 'tenant_a' })
@ApiBadRequestResponse({ description: 'Field errors, or a missing or invalid tenant' })
@Controller('products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Get()
  @ApiOkResponse({ type: ProductListResponseDto })
  async list(@CurrentTenant() tenantId: string): Promise<ProductListResponseDto> {
    const products = await this.products.list();
    return { tenant_id: tenantId, products: products.map(ProductResponseDto.from) };
  }

  @Post()
  @ApiCreatedResponse({ type: ProductResponseDto })
  @ApiNotFoundResponse({ description: "projectId is not one of the tenant's projects" })
  @ApiConflictResponse({ description: 'The tenant already has a product with this SKU' })
  async create(@Body() dto: CreateProductDto): Promise<ProductResponseDto> {
    return ProductResponseDto.from(await this.products.create(dto));
  }

  @Get(':id')
  @ApiOkResponse({ type: ProductResponseDto })
  @ApiNotFoundResponse({ description: "No such product in the current tenant (another tenant's product included)" })
  async get(@Param('id', ParseIdPipe) id: number): Promise<ProductResponseDto> {
    return ProductResponseDto.from(await this.products.get(id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: ProductResponseDto })
  @ApiNotFoundResponse({ description: "No such product in the current tenant (another tenant's product included)" })
  @ApiConflictResponse({ description: 'The tenant already has a product with this SKU' })
  async update(@Param('id', ParseIdPipe) id: number, @Body() dto: UpdateProductDto): Promise<ProductResponseDto> {
    return ProductResponseDto.from(await this.products.update(id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: "No such product in the current tenant (another tenant's product included)" })
  async remove(@Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.products.remove(id);
  }
}
