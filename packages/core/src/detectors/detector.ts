import { StewardInputError } from '../errors.js';

/** What a detector says after one value. */
export interface DetectorResult {
  /** The distribution changed: act (retrain, alert). The detector has reset its window for the new concept. */
  readonly drift: boolean;
  /** The detector is in its warning zone (DDM, EDDM, HDDM_A, HDDM_W): start collecting data for a new model. */
  readonly warning: boolean;
}

// Shared, frozen results: `update` allocates nothing, which is what lets a detector keep up with 10^7 values/s.
export const STABLE: DetectorResult = Object.freeze({ drift: false, warning: false });
export const WARNING: DetectorResult = Object.freeze({ drift: false, warning: true });
export const DRIFT: DetectorResult = Object.freeze({ drift: true, warning: false });
export const DRIFT_AND_WARNING: DetectorResult = Object.freeze({ drift: true, warning: true });

export function result(drift: boolean, warning: boolean): DetectorResult {
  return drift ? (warning ? DRIFT_AND_WARNING : DRIFT) : warning ? WARNING : STABLE;
}

/** A detector's saved state: its kind, its options and its internal state, all plain JSON. */
export interface DetectorJSON<K extends string = string, O = unknown, S = unknown> {
  kind: K;
  options: O;
  state: S;
}

/** What `updateMany` saw, by position in the batch. */
export interface DetectorEvents {
  /** Positions at which drift was signalled. */
  drifts: number[];
  /** Positions at which the detector entered its warning zone (was not in it at the value before). */
  warnings: number[];
}

/** Every streaming drift detector: one value in, a verdict out, and a state that survives a restart. */
export interface DriftDetector {
  update(x: number): DetectorResult;
  /** The same as calling `update` on each value in turn, faster; returns where drifts and warnings happened. */
  updateMany(values: ArrayLike<number>): DetectorEvents;
  reset(): void;
  readonly driftDetected: boolean;
  readonly warningDetected: boolean;
  toJSON(): DetectorJSON;
}

/** `updateMany` by calling `update`: for detectors whose step is too heavy for a dedicated loop to matter. */
export function updateEach(detector: DriftDetector, values: ArrayLike<number>): DetectorEvents {
  const events: DetectorEvents = { drifts: [], warnings: [] };
  let warning = detector.warningDetected;
  for (let i = 0; i < values.length; i++) {
    const r = detector.update(values[i] as number);
    if (r.drift) events.drifts.push(i);
    if (r.warning && !warning) events.warnings.push(i);
    warning = r.warning;
  }
  return events;
}

/** Throws for anything but 0 or 1; the test has no data-dependent branch, so it costs nothing on valid input. */
export function checkBinaryFast(kind: string, x: number): void {
  if (typeof x !== 'number' || x * (1 - x) !== 0) checkBinary(kind, x);
}

/** The error for a bad value at position i of a batch, naming the position. */
export function badBatchValue(kind: string, i: number, x: unknown, binary: boolean): StewardInputError {
  const want = binary ? 'takes 0 (correct) or 1 (error)' : 'takes finite numbers';
  return new StewardInputError(`values[${i}]: ${kind}.updateMany ${want}, got ${String(x)}`, 'values');
}

/**
 * Throws the error for the first value of a batch that a detector does not take; returns if there is none. The
 * batch loops detect a bad value cheaply (a sum, or NaN left in their state) and call this only then.
 */
export function throwFirstBadValue(kind: string, values: ArrayLike<number>, binary: boolean): void {
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number;
    if (binary ? x !== 0 && x !== 1 : !Number.isFinite(x)) throw badBatchValue(kind, i, x, binary);
  }
}

/**
 * For a batch that is not a typed array, checks that every value is a number (the fast loops then only test the
 * value). A typed array holds numbers by construction and costs nothing here: `typeof` in a hot loop is not free.
 */
export function checkNumbers(kind: string, values: ArrayLike<number>, binary: boolean): void {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new StewardInputError(`${kind}.updateMany takes an array of numbers`, 'values');
  }
  if (ArrayBuffer.isView(values)) return;
  for (let i = 0; i < values.length; i++) {
    if (typeof values[i] !== 'number') throw badBatchValue(kind, i, values[i], binary);
  }
}

/** Checks a whole batch before any of it is used, so a bad value leaves the detector as it was. */
export function checkBatch(kind: string, values: ArrayLike<number>, binary: boolean): void {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new StewardInputError(`${kind}.updateMany takes an array of numbers`, 'values');
  }
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number;
    if (binary ? typeof x !== 'number' || x * (1 - x) !== 0 : typeof x !== 'number' || !Number.isFinite(x)) {
      try {
        if (binary) checkBinary(kind, x);
        else checkFinite(kind, x);
      } catch (error) {
        (error as Error).message = `values[${i}]: ${(error as Error).message}`;
        throw error;
      }
    }
  }
}

export function checkFinite(kind: string, x: number): void {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new StewardInputError(`${kind}.update takes a finite number, got ${String(x)}`, 'x');
  }
}

export function checkBinary(kind: string, x: number): void {
  if (x !== 0 && x !== 1) {
    throw new StewardInputError(
      `${kind}.update takes 0 (correct) or 1 (error), got ${String(x)}: it monitors a binary error stream`,
      'x',
    );
  }
}

export function checkKind(expected: string, json: DetectorJSON): void {
  if (json === null || typeof json !== 'object' || json.kind !== expected) {
    throw new StewardInputError(
      `cannot restore a ${expected} from ${json && typeof json === 'object' ? `a saved '${String(json.kind)}'` : 'this value'}`,
      'json',
    );
  }
}

/** State with ±Infinity made JSON-safe (JSON has no Infinity): they become the strings 'Infinity' / '-Infinity'. */
export function encodeState<T extends object>(state: T): T {
  return JSON.parse(
    JSON.stringify(state, (_, v) => (v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v)),
  ) as T;
}

export function decodeState<T extends object>(state: T): T {
  return JSON.parse(JSON.stringify(state), (_, v) =>
    v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v,
  ) as T;
}

/** Shared by detectors that keep their state in one plain object `s` (what `toJSON` saves). */
export abstract class StateDetector<S extends { drift: boolean; warning?: boolean }> {
  protected s!: S;

  get driftDetected(): boolean {
    return this.s.drift;
  }

  get warningDetected(): boolean {
    return this.s.warning ?? false;
  }

  /** The JSON every such detector saves: its kind, options and state object. */
  protected save<K extends string, O extends object>(kind: K, options: O): DetectorJSON<K, O, S> {
    return { kind, options: { ...options }, state: encodeState(this.s) };
  }

  /** Replaces the state with a saved one (what `fromJSON` does after checking the kind). */
  restoreState(state: S): this {
    this.s = decodeState(state);
    return this;
  }
}
