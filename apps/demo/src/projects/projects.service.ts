import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { CreateProjectDto } from './create-project.dto.js';
import { Project } from './project.entity.js';

/**
 * No tenant appears here: the library filters reads and stamps inserts with
 * the current tenant, and refuses both when there is none.
 */
@Injectable()
export class ProjectsService {
  constructor(@InjectRepository(Project) private readonly projects: Repository<Project>) {}

  list(): Promise<Project[]> {
    return this.projects.find({ order: { id: 'ASC' } });
  }

  findOne(id: number): Promise<Project | null> {
    return this.projects.findOneBy({ id });
  }

  create(dto: CreateProjectDto): Promise<Project> {
    return this.projects.save(this.projects.create({ name: dto.name, description: dto.description ?? null }));
  }
}
