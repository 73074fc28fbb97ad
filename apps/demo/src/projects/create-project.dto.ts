import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { HasNoNulCharacter } from '../http/no-nul-character.validator.js';

export class CreateProjectDto {
  @ApiProperty({ example: 'Project A', maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @HasNoNulCharacter()
  name: string;

  @ApiPropertyOptional({ example: 'The first project', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @HasNoNulCharacter()
  description?: string | null;
}
