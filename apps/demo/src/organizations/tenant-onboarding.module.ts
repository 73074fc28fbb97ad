import { Module } from '@nestjs/common';
import { OrganizationSeeder } from './organization-seeder.js';
import { OrganizationsModule } from './organizations.module.js';
import { TenantOnboarding } from './tenant-onboarding.service.js';
import { TenantProvisioner } from './tenant-provisioner.js';

@Module({
  imports: [OrganizationsModule],
  providers: [TenantOnboarding, TenantProvisioner, OrganizationSeeder],
  exports: [TenantOnboarding],
})
export class TenantOnboardingModule {}
