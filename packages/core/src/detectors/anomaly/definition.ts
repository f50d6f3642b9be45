import type { OptionsSpec } from '../../options.js';
import type { SeriesAnomalyDetector } from './types.js';

/** One anomaly method for a metric's series of windows, declared in its own file; `registry.ts` lists them. */
export interface AnomalyMethodDefinition<N extends string = string, O extends object = object> {
  /** The name users write (`method: robust` in an anomaly check). */
  readonly name: N;
  readonly summary: string;
  readonly options: OptionsSpec<O>;
  readonly defaults: Readonly<Partial<O>>;
  /** The `kind` its saved state carries (`toJSON().kind`). */
  readonly stateKind: string;
  create(options?: Partial<O>): SeriesAnomalyDetector;
  restore(json: never): SeriesAnomalyDetector;
}

export function defineAnomalyMethod<const N extends string, O extends object>(
  definition: AnomalyMethodDefinition<N, O>,
): AnomalyMethodDefinition<N, O> {
  return definition;
}
