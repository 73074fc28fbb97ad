import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { runWithTenant, TENANCY_OPTIONS, TenantContext, type ResolvedTenancyOptions } from 'nestjs-tenancy';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { Product } from '../products/product.entity.js';
import { Project } from '../projects/project.entity.js';

export interface TenantStats {
  tenant_id: string;
  projects: number;
  products: number;
}

export interface AdminStats {
  organizations: number;
  total_projects_all_tenants: number;
  total_products_all_tenants: number;
  per_tenant: TenantStats[];
}

/**
 * Cross-tenant reads. The caller opens the bypass (@BypassTenant on a route,
 * bypassTenantFilter in a script) so that it is authorised and audited once,
 * where the decision is made.
 */
@Injectable()
export class AdminService {
  constructor(
    @InjectRepository(Product) private readonly products: Repository<Product>,
    @InjectRepository(Project) private readonly projects: Repository<Project>,
    private readonly organizations: OrganizationsService,
    private readonly tenantContext: TenantContext,
    @Inject(TENANCY_OPTIONS) private readonly options: ResolvedTenancyOptions,
  ) {}

  async allProducts(): Promise<Product[]> {
    this.assertBypassed();
    if (this.options.strategy === 'row') {
      return this.products.find({ order: { tenantId: 'ASC', id: 'ASC' } });
    }
    // Schema strategy: each tenant's rows live in its own schema, so "every tenant" is one query per tenant.
    const perTenant = await this.forEachTenant(() => this.products.find({ order: { id: 'ASC' } }));
    return perTenant.flatMap(({ result }) => result);
  }

  async stats(): Promise<AdminStats> {
    this.assertBypassed();
    const counts = await this.forEachTenant(async () => ({ projects: await this.projects.count(), products: await this.products.count() }));
    const per_tenant = counts.map(({ tenantId, result }) => ({ tenant_id: tenantId, ...result }));
    return {
      organizations: per_tenant.length,
      total_projects_all_tenants: per_tenant.reduce((total, tenant) => total + tenant.projects, 0),
      total_products_all_tenants: per_tenant.reduce((total, tenant) => total + tenant.products, 0),
      per_tenant,
    };
  }

  /** runWithTenant works under both strategies: it filters rows, or picks the tenant's schema. */
  private async forEachTenant<T>(query: () => Promise<T>): Promise<Array<{ tenantId: string; result: T }>> {
    const results = [];
    for (const { id } of await this.organizations.list()) {
      results.push({ tenantId: id, result: await runWithTenant(id, query) });
    }
    return results;
  }

  /**
   * Inside one tenant these reports would quietly cover that tenant only, and
   * an "all tenants" answer would be wrong without any error.
   */
  private assertBypassed(): void {
    if (!this.tenantContext.isBypassed()) {
      throw new ForbiddenException('Cross-tenant reports need the tenant filter bypassed');
    }
  }
}
