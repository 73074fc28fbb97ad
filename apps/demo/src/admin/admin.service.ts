import { ForbiddenException, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ObjectLiteral, Repository } from 'typeorm';
import { TenantContext } from 'nestjs-tenancy';
import { Organization } from '../organizations/organization.entity.js';
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
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    private readonly tenantContext: TenantContext,
  ) {}

  async allProducts(): Promise<Product[]> {
    this.assertBypassed();
    return this.products.find({ order: { tenantId: 'ASC', id: 'ASC' } });
  }

  async stats(): Promise<AdminStats> {
    this.assertBypassed();
    const [organizations, projects, products] = await Promise.all([
      this.organizations.find({ order: { id: 'ASC' } }),
      this.countPerTenant(this.projects),
      this.countPerTenant(this.products),
    ]);
    const per_tenant = organizations.map((organization) => ({
      tenant_id: organization.id,
      projects: projects.get(organization.id) ?? 0,
      products: products.get(organization.id) ?? 0,
    }));
    return {
      organizations: organizations.length,
      total_projects_all_tenants: sum(projects),
      total_products_all_tenants: sum(products),
      per_tenant,
    };
  }

  /**
   * Inside one tenant these queries would quietly return that tenant's rows
   * only, and an "all tenants" answer would be wrong without any error.
   */
  private assertBypassed(): void {
    if (!this.tenantContext.isBypassed()) {
      throw new ForbiddenException('Cross-tenant reports need the tenant filter bypassed');
    }
  }

  private async countPerTenant<T extends ObjectLiteral>(repository: Repository<T>): Promise<Map<string, number>> {
    const rows = await repository
      .createQueryBuilder('entity')
      .select('entity.tenantId', 'tenant_id')
      .addSelect('COUNT(*)', 'count')
      .groupBy('entity.tenantId')
      .getRawMany<{ tenant_id: string; count: string | number }>();
    // PostgreSQL returns COUNT(*) as a string (bigint), SQLite as a number.
    return new Map(rows.map((row) => [row.tenant_id, Number(row.count)]));
  }
}

function sum(counts: Map<string, number>): number {
  return [...counts.values()].reduce((total, count) => total + count, 0);
}
