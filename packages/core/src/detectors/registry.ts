import type { AnyOptionsSpec } from '../options.js';
import { createChecked, lookup } from '../registry-lookup.js';
import { adwin } from './adwin.js';
import { ddm } from './ddm.js';
import type { DetectorDefinition } from './definition.js';
import type { DetectorJSON, DriftDetector } from './detector.js';
import { eddm } from './eddm.js';
import { hddmA } from './hddm-a.js';
import { hddmW } from './hddm-w.js';
import { kswin } from './kswin.js';
import { pageHinkley } from './page-hinkley.js';

/** Every drift detector, by name: adding one is its file and one line here. */
const DEFINITIONS = [adwin, ddm, eddm, hddmA, hddmW, pageHinkley, kswin] as const;

export type DetectorKind = (typeof DEFINITIONS)[number]['name'];

/** A detector's definition with its options type erased: what code choosing a detector by name sees. */
export interface RegisteredDetector
  extends Omit<DetectorDefinition, 'name' | 'options' | 'defaults' | 'create'> {
  readonly name: DetectorKind;
  readonly options: AnyOptionsSpec;
  readonly defaults: Readonly<Record<string, unknown>>;
  /** Options already checked against `options` (see `createDetector`). */
  create(options: object): DriftDetector;
}

export const DETECTORS: ReadonlyMap<DetectorKind, RegisteredDetector> = new Map(
  DEFINITIONS.map((d): [DetectorKind, RegisteredDetector] => [d.name, d]),
);

export const DETECTOR_KINDS: readonly DetectorKind[] = [...DETECTORS.keys()];

/** The detector a new model's checks start with when the user names none (`steward init`, backtests). */
export const DEFAULT_DETECTOR: Readonly<Record<'binary' | 'numeric', DetectorKind>> = {
  binary: ddm.name,
  numeric: pageHinkley.name,
};

/** The named detector's definition; an unknown name is an input error listing the known ones. */
export function detectorDefinition(kind: string, field = 'detector'): RegisteredDetector {
  return lookup('detector', field, DETECTORS, kind);
}

/** A new detector by name, its options checked against the detector's spec (unknown or mistyped ones refused). */
export function createDetector(kind: string, options?: unknown): DriftDetector {
  return createChecked(detectorDefinition(kind), options);
}

/** Rebuilds any detector from what its `toJSON()` returned (for example after a restart). */
export function restoreDetector(json: DetectorJSON): DriftDetector {
  const kind = json && typeof json === 'object' ? String(json.kind) : String(json);
  return detectorDefinition(kind, 'kind').restore(json);
}
