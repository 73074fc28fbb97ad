import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { MAX_ID } from '../http/parse-id.pipe.js';
import { HasNoNulCharacter } from '../http/no-nul-character.validator.js';
import { IsCents } from '../http/cents.validator.js';

/** A bound, so that 1e308 is a 400 rather than a stored absurdity. */
export const MAX_PRICE = 1_000_000_000;

export class CreateProductDto {
  @ApiProperty({ example: 'Widget', maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @HasNoNulCharacter()
  name: string;

  @ApiProperty({ example: 99.99, minimum: 0, maximum: MAX_PRICE })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsCents()
  @Min(0)
  @Max(MAX_PRICE)
  price: number;

  @ApiProperty({ example: 'WID-001', description: 'Unique per tenant' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, { message: 'sku must be 1-64 letters, digits, "-" or "_"' })
  sku: string;

  // Max: the column is a PostgreSQL integer, and JSON numbers past 2^53 arrive already rounded.
  @ApiPropertyOptional({ example: 1, description: "One of the current tenant's projects", minimum: 1, maximum: MAX_ID })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  projectId?: number | null;
}
