import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsNumber, IsOptional, IsPositive, IsString, Matches, MaxLength, Min } from 'class-validator';

export class CreateProductDto {
  @ApiProperty({ example: 'Widget', maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({ example: 99.99, minimum: 0 })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  price: number;

  @ApiProperty({ example: 'WID-001', description: 'Unique per tenant' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, { message: 'sku must be 1-64 letters, digits, "-" or "_"' })
  sku: string;

  @ApiPropertyOptional({ example: 1, description: "One of the current tenant's projects" })
  @IsOptional()
  @IsInt()
  @IsPositive()
  projectId?: number | null;
}
