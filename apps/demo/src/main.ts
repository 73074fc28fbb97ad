import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { TenancyConfigurationError } from 'nestjs-tenancy';
import { DemoConfigError, loadDemoConfig } from './config/demo-config.js';
import { createDemoApp } from './create-demo-app.js';
import { resolveDatabase } from './database/resolve-database.js';

async function main(): Promise<void> {
  const logger = new Logger('Demo');
  const { config, description } = await resolveDatabase(loadDemoConfig(), (line) => logger.log(line));
  const app = await createDemoApp(config);
  await app.listen(config.port);
  const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  logger.log(`listening on ${url} (docs: ${url}/docs, strategy: ${config.strategy}, database: ${description})`);
}

main().catch((error: unknown) => {
  // A configuration mistake gets one readable line, not a stack trace.
  if (error instanceof DemoConfigError || error instanceof TenancyConfigurationError) {
    console.error(`demo: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
