import { ApiProperty } from '@nestjs/swagger';
import { ProjectResponseDto } from './project-response.dto.js';

export class ProjectCreatedResponseDto {
  @ApiProperty({ example: 'Created' }) message: string;
  @ApiProperty({ type: ProjectResponseDto }) project: ProjectResponseDto;
}
