import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { BypassTenant } from 'nestjs-tenancy';
import { ProductResponseDto } from '../products/product-response.dto.js';
import { AdminService, type AdminStats } from './admin.service.js';

@ApiTags('admin')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No bearer token, or a bad one' })
@ApiForbiddenResponse({ description: 'The token has no admin role' })
// Every route here reads across tenants: the library runs it bypassed only if canBypass allows (admin token).
@BypassTenant()
@Controller('admin')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Get('all-products')
  @ApiOkResponse({ description: "Every tenant's products" })
  async allProducts(): Promise<{ total: number; products: ProductResponseDto[] }> {
    const products = await this.admin.allProducts();
    return { total: products.length, products: products.map(ProductResponseDto.from) };
  }

  @Get('stats')
  @ApiOkResponse({ description: 'Counts across all tenants' })
  stats(): Promise<AdminStats> {
    return this.admin.stats();
  }
}
