import type { ProblemDetail } from './types.js';

/** An error answer from the Steward API: its status, code, message and, for a refused batch, each row's problem. */
export class StewardApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ProblemDetail[] = [],
  ) {
    super(message);
    this.name = 'StewardApiError';
  }

  /** Worth retrying: the server or the network failed, not the request. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}
