import { Injectable } from '@nestjs/common';

/** What a background job saw when it finally ran. */
export interface JobResult {
  tenant: string | undefined;
  /** Product names the job read, or the refusal code when the read was refused. */
  names?: string[];
  refused?: string;
}

/**
 * Side effects the attack routes leave outside the HTTP response, so that a
 * test can prove a handler never ran (a 403 alone does not) and read what a
 * job saw after its request was long answered.
 */
@Injectable()
export class HandlerLog {
  /** Names of the privileged handlers that actually ran. */
  readonly ran: string[] = [];
  readonly jobs = new Map<string, Promise<JobResult>>();
  private readonly gates = new Map<string, () => void>();

  /** A promise the test resolves with `release(id)`: the job waits for it, so the test decides what runs in between. */
  gate(id: string): Promise<void> {
    return new Promise((resolve) => this.gates.set(id, resolve));
  }

  release(id: string): void {
    this.gates.get(id)?.();
  }
}
