import { Injectable } from '@nestjs/common';
import type { Organization } from './organization.entity.js';
import { OrganizationsService } from './organizations.service.js';
import { TenantProvisioner } from './tenant-provisioner.js';

/** The tenants of the demo; `tenant_a` and `tenant_b` exist after first start. */
export const SEED_ORGANIZATIONS: ReadonlyArray<Pick<Organization, 'id' | 'name'>> = [
  { id: 'tenant_a', name: 'Tenant A' },
  { id: 'tenant_b', name: 'Tenant B' },
];

@Injectable()
export class TenantOnboarding {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly provisioner: TenantProvisioner,
  ) {}

  /** Provisions first: an organization row must never name a tenant whose schema is missing. */
  async create(id: string, name: string): Promise<Organization> {
    await this.provisioner.provision(id);
    return this.organizations.insert(id, name);
  }

  /** Creates the missing seed organizations and (re)provisions every tenant. */
  async seed(): Promise<void> {
    await this.provisioner.prepareSharedTables();
    for (const organization of SEED_ORGANIZATIONS) {
      if (!(await this.organizations.exists(organization.id))) await this.create(organization.id, organization.name);
    }
    for (const organization of await this.organizations.list()) await this.provisioner.provision(organization.id);
  }
}
