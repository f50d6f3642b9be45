/**
 * What the CBPE metrics' standard errors need from a window, as sums over its rows (so windows' moments add): with
 * qᵢ row i's calibrated class probabilities and cᵢ its predicted class,
 * - `confusion[t][c]` = Σ_{cᵢ = c} qᵢₜ, the expected confusion matrix;
 * - `gram[s][t]` = Σᵢ qᵢₛ qᵢₜ;
 * - `byPredicted[c][t]` = Σ_{cᵢ = c} qᵢ꜀ qᵢₜ.
 * Each row's true class is drawn from its probabilities, independently of the others, if they are calibrated.
 */
export interface ConfusionMoments {
  confusion: number[][];
  gram: number[][];
  byPredicted: number[][];
}

/** Standard errors of the realized metrics around the estimated ones. */
export interface MetricErrors {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
}

/**
 * What every CBPE estimate says about its own error: each metric's standard error (the labels' chance spread and,
 * given the calibrators' strata, their own error, in quadrature; ±1.96 of it is a 95% band), the two shares, and
 * the sums over rows they come from.
 */
export interface ClassificationEstimateErrors {
  /**
   * If the probabilities are right, each row is correct with probability qᵢ (the probability of the class
   * predicted), independently: the realized accuracy varies by √(Σ qᵢ(1 − qᵢ)) / n.
   */
  accuracyStandardError: number;
  /** Of precision, recall and F1 (binary: the positive class's; multiclass: the macro averages'; `metricErrors`). */
  precisionStandardError: number;
  recallStandardError: number;
  f1StandardError: number;
  /** Of the ROC AUC, the scores fixed and the labels drawn (`rocAucError`; multiclass: classes as independent). */
  rocAucStandardError: number;
  /** The sums the standard errors come from, which windows add. */
  moments: ConfusionMoments;
  /** The labels' share of the standard errors. */
  samplingErrors: MetricErrors;
  /** With `calibration`: the calibrators' share (`calibrationErrors`, `multiclassCalibrationErrors`). */
  calibrationErrors?: MetricErrors;
}

export function emptyMoments(classes: number): ConfusionMoments {
  const square = () => Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  return { confusion: square(), gram: square(), byPredicted: square() };
}

/** Adds `weight` rows with class probabilities `q`, predicted as class `predicted`. */
export function addRow(m: ConfusionMoments, q: ArrayLike<number>, predicted: number, weight = 1): void {
  const k = q.length;
  const own = (q[predicted] as number) * weight;
  const column = m.byPredicted[predicted] as number[];
  for (let s = 0; s < k; s++) {
    const qs = q[s] as number;
    const confusion = m.confusion[s] as number[];
    confusion[predicted] = (confusion[predicted] as number) + qs * weight;
    column[s] = (column[s] as number) + own * qs;
    const gram = m.gram[s] as number[];
    for (let t = 0; t < k; t++) gram[t] = (gram[t] as number) + qs * (q[t] as number) * weight;
  }
}

export function mergeMoments(into: ConfusionMoments, other: ConfusionMoments): void {
  for (const key of ['confusion', 'gram', 'byPredicted'] as const)
    for (const [s, row] of other[key].entries()) {
      const target = into[key][s] as number[];
      for (const [t, v] of row.entries()) target[t] = (target[t] as number) + v;
    }
}

/**
 * The standard errors of accuracy and of precision, recall and F1 — of the positive class (the second) with
 * `average: 'binary'`, their unweighted means over classes with 'macro' — by the delta method: each metric is a
 * function of the classes' true positives A and false negatives B (the rows predicted as each class being known),
 * linearised at the expected counts; a row predicted c moves A_c if it is of class c and B_t if of another class t,
 * one or the other (a multinomial draw), which `gram` and `byPredicted` account for.
 */
export function metricErrors(m: ConfusionMoments, average: 'binary' | 'macro'): MetricErrors {
  const k = m.confusion.length;
  const tp = new Float64Array(k);
  const predictedAs = new Float64Array(k);
  const trulyIn = new Float64Array(k);
  let n = 0;
  for (let t = 0; t < k; t++)
    for (let c = 0; c < k; c++) {
      const v = (m.confusion[t] as number[])[c] as number;
      n += v;
      predictedAs[c] = (predictedAs[c] as number) + v;
      trulyIn[t] = (trulyIn[t] as number) + v;
      if (t === c) tp[c] = v;
    }
  const weight = (c: number) => (average === 'macro' ? 1 / k : c === k - 1 ? 1 : 0);
  // ∂metric/∂A_c and ∂metric/∂B_c for each class, already weighted by the class's share of the average.
  const errorOf = (dA: (c: number) => number, dB: (c: number) => number) =>
    Math.sqrt(
      Math.max(
        0,
        linearisedVariance(
          m,
          trulyIn,
          Float64Array.from({ length: k }, (_, c) => weight(c) * dA(c)),
          Float64Array.from({ length: k }, (_, c) => weight(c) * dB(c)),
        ),
      ),
    );
  const safe = (v: number) => (Number.isFinite(v) ? v : 0);
  const accuracyWeights = new Float64Array(k).fill(n === 0 ? 0 : 1 / n);
  return {
    accuracy: Math.sqrt(Math.max(0, linearisedVariance(m, trulyIn, accuracyWeights, new Float64Array(k)))),
    precision: errorOf(
      (c) => safe(1 / (predictedAs[c] as number)),
      () => 0,
    ),
    recall: errorOf(
      (c) => safe(((trulyIn[c] as number) - (tp[c] as number)) / (trulyIn[c] as number) ** 2),
      (c) => safe(-(tp[c] as number) / (trulyIn[c] as number) ** 2),
    ),
    f1: errorOf(
      (c) =>
        safe(
          (2 * ((predictedAs[c] as number) + (trulyIn[c] as number) - (tp[c] as number))) /
            ((predictedAs[c] as number) + (trulyIn[c] as number)) ** 2,
        ),
      (c) => safe((-2 * (tp[c] as number)) / ((predictedAs[c] as number) + (trulyIn[c] as number)) ** 2),
    ),
  };
}

/**
 * Σᵢ Var(uᵢ · zᵢ) with zᵢ row i's one-hot true class and uᵢ = V + e_cᵢ (W_cᵢ − V_cᵢ): W weights a true positive of
 * the predicted class, V a false negative of any other. Var(u · z) = Σₜ uₜ² qₜ − (u · q)², summed with the moments.
 */
function linearisedVariance(
  m: ConfusionMoments,
  trulyIn: Float64Array,
  W: Float64Array,
  V: Float64Array,
): number {
  const k = W.length;
  let squares = 0;
  for (let t = 0; t < k; t++) squares += (V[t] as number) ** 2 * (trulyIn[t] as number);
  let quadratic = 0;
  for (let s = 0; s < k; s++)
    for (let t = 0; t < k; t++)
      quadratic += (V[s] as number) * (V[t] as number) * ((m.gram[s] as number[])[t] as number);
  for (let c = 0; c < k; c++) {
    const d = (W[c] as number) - (V[c] as number);
    const own = m.byPredicted[c] as number[];
    squares += ((W[c] as number) ** 2 - (V[c] as number) ** 2) * ((m.confusion[c] as number[])[c] as number);
    let cross = 0;
    for (let t = 0; t < k; t++) cross += (V[t] as number) * (own[t] as number);
    quadratic += 2 * d * cross + d * d * (own[c] as number);
  }
  return squares - quadratic;
}
