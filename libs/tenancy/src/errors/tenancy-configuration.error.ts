/**
 * A start-up error: the message names the option to fix and how. Without an
 * option (null) it is about the app's setup: a wrong TypeORM copy, an entity shape.
 */
export class TenancyConfigurationError extends Error {
  override readonly name = 'TenancyConfigurationError';
  readonly code = 'TENANCY_CONFIGURATION';

  constructor(option: string | null, problem: string) {
    super(option === null ? problem : `TenancyModule option "${option}" ${problem}`);
  }
}
