/**
 * Thrown for input that a Steward algorithm cannot accept. The message names the argument and the reason,
 * so it can be shown to a user as it is (the server maps it to HTTP 400).
 */
export class StewardInputError extends Error {
  /** The argument or field at fault, for example `yTrue` or `sampleWeight`. */
  readonly field: string | undefined;

  constructor(message: string, field?: string) {
    super(message);
    this.name = 'StewardInputError';
    this.field = field;
  }
}
