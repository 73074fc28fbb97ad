import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Organization } from './organization.entity.js';

/**
 * The tenants registry. Depends on its repository only, because the tenancy
 * options (validateTenant) are built from it: anything that needs the
 * tenancy module itself lives in TenantOnboarding.
 */
@Injectable()
export class OrganizationsService {
  constructor(@InjectRepository(Organization) private readonly organizations: Repository<Organization>) {}

  /** The FastAPI guide's "dependency approach": a tenant is usable only if it exists and is active. */
  isActive(id: string): Promise<boolean> {
    return this.organizations.existsBy({ id, active: true });
  }

  exists(id: string): Promise<boolean> {
    return this.organizations.existsBy({ id });
  }

  list(): Promise<Organization[]> {
    return this.organizations.find({ order: { id: 'ASC' } });
  }

  /** insert, not save(): save() of an existing id would update it, quietly reactivating a suspended tenant. */
  async insert(id: string, name: string): Promise<Organization> {
    const organization = this.organizations.create({ id, name, active: true });
    await this.organizations.insert(organization);
    return organization;
  }
}
