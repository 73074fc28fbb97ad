import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentTenant } from 'nestjs-tenancy';
import { TENANT_HEADER } from '../docs/setup-swagger.js';
import { CreateProjectDto } from './create-project.dto.js';
import { ProjectCreatedResponseDto } from './project-created-response.dto.js';
import { ProjectListResponseDto } from './project-list-response.dto.js';
import { ProjectResponseDto } from './project-response.dto.js';
import { ProjectsService } from './projects.service.js';

@ApiTags('projects')
@ApiHeader({ name: TENANT_HEADER, required: true, description: 'Tenant id, e.g. tenant_a', example: 'tenant_a' })
@Controller('projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Get()
  @ApiOkResponse({ type: ProjectListResponseDto, description: "The current tenant's projects only" })
  async list(@CurrentTenant() tenantId: string): Promise<ProjectListResponseDto> {
    const projects = await this.projects.list();
    return { tenant_id: tenantId, projects: projects.map(ProjectResponseDto.from) };
  }

  @Post()
  @ApiCreatedResponse({ type: ProjectCreatedResponseDto, description: 'tenant_id is set from the request, never from the body' })
  @ApiBadRequestResponse({ description: 'Field errors, or a missing or invalid tenant' })
  async create(@Body() dto: CreateProjectDto): Promise<ProjectCreatedResponseDto> {
    return { message: 'Created', project: ProjectResponseDto.from(await this.projects.create(dto)) };
  }
}
