import { createHash, timingSafeEqual } from 'node:crypto';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TenancyModule } from 'nestjs-tenancy';
import { Product } from './product.entity.js';
import { ProductsController } from './products.controller.js';

// Your tenants: in a real app, a lookup in your own tenants table.
const TENANTS = new Set(['acme', 'globex']);

// Who may use the @BypassTenant() routes: here, a shared admin key; in a real app, e.g. a JWT role.
const digest = (value: string) => createHash('sha256').update(value).digest();
const isAdmin = (key: string | undefined) =>
  !!process.env.ADMIN_KEY && key !== undefined && timingSafeEqual(digest(key), digest(process.env.ADMIN_KEY));

@Module({
  imports: [
    TypeOrmModule.forRoot(
      process.env.DATABASE_URL
        ? { type: 'postgres', url: process.env.DATABASE_URL, entities: [Product], synchronize: true }
        : { type: 'better-sqlite3', database: process.env.SQLITE_FILE ?? 'app.sqlite', entities: [Product], synchronize: true },
    ),
    TenancyModule.forRoot({
      // The tenant comes from the X-Tenant-ID header (the default resolver).
      validateTenant: (tenantId) => TENANTS.has(tenantId), // unknown tenant: 404
      canBypass: ({ request }) => isAdmin(request.header('x-admin-key')), // otherwise 403
    }),
    TypeOrmModule.forFeature([Product]),
  ],
  controllers: [ProductsController],
})
export class AppModule {}
