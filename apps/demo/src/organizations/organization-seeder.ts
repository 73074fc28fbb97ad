import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { OrganizationsService } from './organizations.service.js';
import { TenantOnboarding } from './tenant-onboarding.service.js';

/** Seeds at start-up so that the FastAPI guide's curl session works on a fresh database. */
@Injectable()
export class OrganizationSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(OrganizationSeeder.name);

  constructor(
    private readonly onboarding: TenantOnboarding,
    private readonly organizations: OrganizationsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.onboarding.seed();
    const ids = (await this.organizations.list()).map((organization) => organization.id);
    this.logger.log(`tenants: ${ids.join(', ')}`);
  }
}
