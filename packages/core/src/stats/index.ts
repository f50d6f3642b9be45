export {
  type AndersonDarlingOptions,
  type AndersonDarlingResult,
  andersonDarling,
} from './anderson-darling.js';
export {
  type CategoryCounts,
  type ChiSquareTestOptions,
  type ChiSquareTestResult,
  chiSquareContingency,
  chiSquareTest,
} from './chi-square-test.js';
export { type JensenShannonOptions, jensenShannon, klDivergence } from './divergence.js';
export {
  type DomainClassifierOptions,
  type DomainClassifierResult,
  type DomainSample,
  domainClassifierTest,
  type TokenWeight,
} from './domain-classifier.js';
export { kolmogorovNSf, kolmogorovSf, smirnovSf } from './kolmogorov.js';
export { type KsTestOptions, type KsTestResult, ksTest } from './ks-test.js';
export { type McNemarOptions, type McNemarResult, mcnemarFromCounts, mcnemarTest } from './mcnemar.js';
export { type MmdOptions, type MmdResult, type MmdSample, mmd } from './mmd.js';
export {
  type PairedBootstrapOptions,
  type PairedBootstrapResult,
  pairedBootstrap,
} from './paired-bootstrap.js';
export { type PairedNonInferiorityResult, pairedNonInferiority } from './paired-non-inferiority.js';
export { type ProportionZTestResult, proportionZTest } from './proportion-z-test.js';
export { type PsiOptions, psi, stabilityIndex } from './psi.js';
export { seededRandom } from './random.js';
export { lowerBound, upperBound } from './sample.js';
export {
  type SequentialPairedOptions,
  type SequentialPairedResult,
  sequentialPairedTest,
} from './sequential-paired.js';
export { betaInc, chiSquareSf, erfc, gammaP, gammaQ, logGamma, normalCdf, normalSf } from './special.js';
export { wasserstein, wassersteinNormed } from './wasserstein.js';
