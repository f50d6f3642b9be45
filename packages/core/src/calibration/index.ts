export {
  IsotonicRegression,
  type IsotonicRegressionJSON,
  type IsotonicRegressionOptions,
} from './isotonic-regression.js';
export {
  SigmoidCalibrator,
  type SigmoidCalibratorJSON,
  type SigmoidCalibratorOptions,
} from './sigmoid-calibrator.js';
