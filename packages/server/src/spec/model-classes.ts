import type { ModelSpec } from './model-spec.js';
import type { ClassValue } from './records.js';

/** The classes a classification model accepts, or undefined when any class is accepted (multiclass without a list). */
export function modelClasses(spec: ModelSpec): ClassValue[] | undefined {
  if (spec.task === 'regression') return undefined;
  return spec.classes ?? (spec.task === 'binary' ? [0, 1] : undefined);
}

export function positiveClass(spec: ModelSpec): ClassValue {
  const classes = modelClasses(spec) ?? [1];
  return spec.positiveClass ?? (classes[classes.length - 1] as ClassValue);
}
