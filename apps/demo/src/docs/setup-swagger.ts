import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

export const TENANT_HEADER = 'X-Tenant-ID';
export const DOCS_PATH = 'docs';

/** OpenAPI JSON at /docs-json, Swagger UI at /docs. */
export function setupSwagger(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('nestjs-tenancy demo')
    .setDescription(
      `Row-level multi-tenancy on NestJS + TypeORM. Tenant routes need the ${TENANT_HEADER} header ` +
        '(tenant_a and tenant_b exist after first start); admin routes need a bearer token from `npm run demo:token -- --admin`.',
    )
    .setVersion('1.0')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup(DOCS_PATH, app, document);
}
