import { DomainError, type ErrorDetail } from '../spec/domain-error.js';

/** An error raised by the HTTP layer itself (bad JSON, auth, an unknown model in the path); answered like any other. */
export class ApiError extends DomainError {}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);

export type { ErrorDetail };
