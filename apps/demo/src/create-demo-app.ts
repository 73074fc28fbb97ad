import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Server } from 'node:http';
import { AppModule } from './app.module.js';
import type { DemoConfig } from './config/demo-config.js';
import { HTTP_TIMEOUTS } from './database/database-timeouts.js';
import { setupSwagger } from './docs/setup-swagger.js';
import { BodyDepthPipe } from './http/body-depth.pipe.js';
import { answerClientErrorsWithJson } from './http/json-client-errors.js';
import { createValidationPipe } from './http/validation-pipe.js';

/** The HTTP app, configured but not listening: main.ts listens, tests may use it in-process. */
export async function createDemoApp(config: DemoConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.register(config));
  // In order: the depth check must run before class-transformer walks the body.
  app.useGlobalPipes(new BodyDepthPipe(), createValidationPipe());
  app.enableShutdownHooks();
  const server = app.getHttpServer() as Server;
  server.headersTimeout = HTTP_TIMEOUTS.headersMs;
  server.requestTimeout = HTTP_TIMEOUTS.requestMs;
  answerClientErrorsWithJson(server);
  setupSwagger(app);
  return app;
}
