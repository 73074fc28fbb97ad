import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Organization } from './organization.entity.js';

/** The tenants of the demo; `tenant_a` and `tenant_b` exist after first start. */
export const SEED_ORGANIZATIONS: ReadonlyArray<Pick<Organization, 'id' | 'name'>> = [
  { id: 'tenant_a', name: 'Tenant A' },
  { id: 'tenant_b', name: 'Tenant B' },
];

@Injectable()
export class OrganizationsService {
  constructor(@InjectRepository(Organization) private readonly organizations: Repository<Organization>) {}

  /** The reference's "dependency approach": a tenant is usable only if it exists and is active. */
  async isActive(id: string): Promise<boolean> {
    return this.organizations.existsBy({ id, active: true });
  }

  list(): Promise<Organization[]> {
    return this.organizations.find({ order: { id: 'ASC' } });
  }

  async create(id: string, name: string): Promise<Organization> {
    return this.organizations.save(this.organizations.create({ id, name, active: true }));
  }

  /** Inserts the seed organizations that are missing; keeps existing rows as they are. */
  async seed(): Promise<void> {
    for (const organization of SEED_ORGANIZATIONS) {
      if (!(await this.organizations.existsBy({ id: organization.id }))) {
        await this.create(organization.id, organization.name);
      }
    }
  }
}
