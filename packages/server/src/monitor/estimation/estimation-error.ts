import { DomainError } from '../../spec/domain-error.js';

/** A request estimation cannot answer for this model (400: nothing to estimate from; 409: nothing to learn from yet). */
export class EstimationError extends DomainError {
  constructor(message: string, status: 400 | 409 = 400) {
    super(status, status === 400 ? 'not_estimable' : 'no_calibration_data', message);
  }
}
