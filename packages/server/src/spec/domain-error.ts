/** One problem with a request, for the `details` of an error answer: the field (or row and field) and what is wrong. */
export interface ErrorDetail {
  field: string;
  message: string;
  row?: number;
}

/**
 * An error a user can act on, from any layer: its HTTP status, a stable `code` for programs, a message that says
 * what to do, and the fields at fault. The API answers every one the same way, `{ error: { code, message,
 * details? } }`; the CLI prints its message. Anything else is an internal error.
 */
export class DomainError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503,
    readonly code: string,
    message: string,
    readonly details?: readonly ErrorDetail[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}
