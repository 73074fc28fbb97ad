import { HttpException } from '@nestjs/common';
import { TenantIsolationError } from 'nestjs-tenancy';
import { WalkthroughFailure } from './walkthrough-failure.js';

/**
 * Runs an operation that must be refused and says how it was refused. An
 * operation that succeeds is a broken isolation promise, not a demo detail.
 */
export async function describeRefusal(operation: () => Promise<unknown>): Promise<string> {
  try {
    await operation();
  } catch (error) {
    if (error instanceof TenantIsolationError) return `refused: TenantIsolationError ${error.code}`;
    if (error instanceof HttpException) return `refused: ${error.getStatus()} ${error.message}`;
    throw error;
  }
  throw new WalkthroughFailure('an operation that crosses tenants was NOT refused');
}
