import type { OptionsSpec } from '../options.js';
import type { DetectorJSON, DriftDetector } from './detector.js';

/**
 * Everything Steward needs to know about one drift detector, declared in the detector's own file: the registry
 * (`registry.ts`) lists these, and the model spec, the checks and restore all read them from there.
 */
export interface DetectorDefinition<N extends string = string, O extends object = object> {
  /** The name users write (`detector: DDM`), also the `kind` of its saved state. */
  readonly name: N;
  /** What it watches: a 0/1 error stream only, or any numbers (errors, losses, a feature). */
  readonly input: 'binary' | 'numeric';
  readonly summary: string;
  readonly options: OptionsSpec<O>;
  /** Its defaults (River's), as the constructor applies them. */
  readonly defaults: Readonly<Partial<O>>;
  create(options?: O): DriftDetector;
  restore(json: DetectorJSON): DriftDetector;
}

/** Types a detector's definition (the name stays a literal, the options are checked against `O`). */
export function defineDetector<const N extends string, O extends object>(
  definition: DetectorDefinition<N, O>,
): DetectorDefinition<N, O> {
  return definition;
}
