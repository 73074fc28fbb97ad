/** A start-up error: the message names the option to fix and how. */
export class TenancyConfigurationError extends Error {
  override readonly name = 'TenancyConfigurationError';
  readonly code = 'TENANCY_CONFIGURATION';

  constructor(option: string, problem: string) {
    super(`TenancyModule option "${option}" ${problem}`);
  }
}
