import { ApiProperty } from '@nestjs/swagger';
import { ProjectResponseDto } from './project-response.dto.js';

export class ProjectListResponseDto {
  @ApiProperty({ example: 'tenant_a' }) tenant_id: string;
  @ApiProperty({ type: [ProjectResponseDto] }) projects: ProjectResponseDto[];
}
