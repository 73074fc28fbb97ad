import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import type { DemoConfig } from './config/demo-config.js';
import { setupSwagger } from './docs/setup-swagger.js';
import { createValidationPipe } from './http/validation-pipe.js';

/** The HTTP app, configured but not listening: main.ts listens, tests may use it in-process. */
export async function createDemoApp(config: DemoConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.register(config));
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  setupSwagger(app);
  return app;
}
