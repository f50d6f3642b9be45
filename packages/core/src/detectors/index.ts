export { ADWIN, type ADWINOptions } from './adwin.js';
export * from './anomaly/index.js';
export { DDM, type DDMOptions } from './ddm.js';
export { type DetectorDefinition, defineDetector } from './definition.js';
export type { DetectorJSON, DetectorResult, DriftDetector } from './detector.js';
export { EDDM, type EDDMOptions } from './eddm.js';
export { HDDM_A, type HDDMAOptions } from './hddm-a.js';
export { HDDM_W, type HDDMWOptions } from './hddm-w.js';
export { KSWIN, type KSWINOptions } from './kswin.js';
export { PageHinkley, type PageHinkleyOptions } from './page-hinkley.js';
export { PythonRandom } from './python-random.js';
export {
  createDetector,
  DEFAULT_DETECTOR,
  DETECTOR_KINDS,
  DETECTORS,
  type DetectorKind,
  detectorDefinition,
  type RegisteredDetector,
  restoreDetector,
} from './registry.js';
