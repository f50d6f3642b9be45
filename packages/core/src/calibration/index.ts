export {
  IsotonicRegression,
  type IsotonicRegressionJSON,
  type IsotonicRegressionOptions,
} from './isotonic-regression.js';
export { SigmoidCalibrator, type SigmoidCalibratorJSON } from './sigmoid-calibrator.js';
