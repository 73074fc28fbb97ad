import { ApiProperty } from '@nestjs/swagger';
import type { Project } from './project.entity.js';

/** The FastAPI guide's `to_response()` shape, `tenant_id` included, so its curl session answers the same. */
export class ProjectResponseDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ example: 'tenant_a' }) tenant_id: string;

  static from(project: Project): ProjectResponseDto {
    return { id: project.id, name: project.name, description: project.description ?? null, tenant_id: project.tenantId };
  }
}
