import * as tenancy from 'nestjs-tenancy';
import { DemoConfigError, type DemoStrategy } from './demo-config.js';

/**
 * The schema strategy (issue 4) is not part of this library version yet, and
 * TenancyModule accepts `strategy: 'schema'` without acting on it: starting
 * anyway would serve row-filtered data while claiming schema isolation. So
 * the demo refuses to start rather than mislead.
 */
export function assertStrategySupported(strategy: DemoStrategy): void {
  if (strategy !== 'schema') return;
  const hasSchemaStrategy = 'SchemaTenancyService' in tenancy;
  throw new DemoConfigError(
    hasSchemaStrategy
      ? 'TENANCY_STRATEGY=schema: nestjs-tenancy provides SchemaTenancyService, but this demo does not wire the schema strategy yet. Unset TENANCY_STRATEGY to use the row strategy.'
      : 'TENANCY_STRATEGY=schema: this version of nestjs-tenancy does not implement the schema strategy (no SchemaTenancyService export). Unset TENANCY_STRATEGY to use the row strategy.',
  );
}
