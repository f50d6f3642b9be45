import { describe, expect, test } from 'vitest';
import {
  checkOptions,
  createDetector,
  createLearner,
  DETECTORS,
  LEARNERS,
  restoreDetector,
  restoreModel,
  StewardInputError,
  sparseFromDense,
} from './index.js';

const X = [
  [0, 1],
  [1, 0],
  [2, 1],
  [3, 0],
  [4, 1],
  [5, 0],
];

describe('learner registry', () => {
  test.each([...LEARNERS.values()])(
    '$name: defaults pass its spec, a new learner keeps them, its file restores',
    (def) => {
      expect(checkOptions(def.name, def.options, def.defaults)).toEqual(def.defaults);
      const learner = createLearner(def.name);
      expect((learner as unknown as { options: object }).options).toEqual(def.defaults);
      const y = def.task === 'classification' ? [0, 0, 0, 1, 1, 1] : [0.5, 1.5, 2.5, 3.5, 4.5, 5.5];
      // Learners of sparse rows (text) learn the same rows as a SparseMatrix.
      const rows = (def.sparse ? sparseFromDense(X, 2) : X) as number[][];
      learner.fit(rows, y as never);
      expect(learner.toJSON().kind).toBe(def.name);
      const restored = restoreModel(JSON.parse(JSON.stringify(learner.toJSON())));
      expect(Array.from(restored.predict(rows as never))).toEqual(Array.from(learner.predict(rows)));
      expect(typeof learner.partialFit === 'function').toBe(def.online);
    },
  );

  test('every option has a one-line doc', () => {
    for (const def of LEARNERS.values())
      for (const [key, spec] of Object.entries(def.options))
        expect(spec.doc, `${def.name}.${key}`).toMatch(/\S/);
  });

  test('a tuning space names only options the learner has', () => {
    for (const def of LEARNERS.values())
      for (const key of Object.keys({ ...def.tuning?.space, ...def.tuning?.fixed }))
        expect(Object.keys(def.options)).toContain(key);
  });

  test.each([
    [
      'GradientBoostingClassifier',
      { maxIterr: 5 },
      /GradientBoostingClassifier has no option 'maxIterr': its options are learningRate, maxIter/,
    ],
    [
      'GradientBoostingClassifier',
      { maxBins: 300 },
      /option maxBins must be an integer >= 2 and <= 255, got 300/,
    ],
    ['SGDClassifier', { loss: 'log' }, /option loss must be one of 'hinge', 'log_loss', got 'log'/],
    ['Ridge', { alpha: '1' }, /option alpha must be a number >= 0, got '1'/],
    ['Ridge', { alpha: Number.POSITIVE_INFINITY }, /option alpha must be a number >= 0, got Infinity/],
    ['LinearRegression', { fitIntercept: 'yes' }, /option fitIntercept must be true or false/],
    ['MLPClassifier', { hiddenLayers: [] }, /hiddenLayers must be a list of integers >= 1, got \[\]/],
    ['Forest', {}, /unknown learner 'Forest': expected one of LogisticRegression, /],
  ])('%s %o is refused, naming the key and what is allowed', (kind, options, message) => {
    expect(() => createLearner(kind, options)).toThrow(StewardInputError);
    expect(() => createLearner(kind, options)).toThrow(message);
  });

  test('an integer list takes one integer or "a,b" as scikit-learn users write it; Infinity where it means no limit', () => {
    const one = createLearner('MLPClassifier', { hiddenLayers: 8 }) as unknown as { options: object };
    expect(one.options).toMatchObject({ hiddenLayers: [8] });
    const two = createLearner('MLPClassifier', { hiddenLayers: '16, 8' }) as unknown as { options: object };
    expect(two.options).toMatchObject({ hiddenLayers: [16, 8] });
    expect(() =>
      createLearner('GradientBoostingRegressor', { maxDepth: Number.POSITIVE_INFINITY }),
    ).not.toThrow();
    expect(() => createLearner('GradientBoostingRegressor', { maxDepth: 2.5 })).toThrow(
      /maxDepth must be an integer >= 1/,
    );
  });
});

describe('detector registry', () => {
  test.each([...DETECTORS.values()])(
    '$name: defaults pass its spec, a new detector keeps them, its state restores',
    (def) => {
      expect(checkOptions(def.name, def.options, def.defaults)).toEqual(def.defaults);
      const detector = createDetector(def.name);
      expect((detector as unknown as { options: object }).options).toMatchObject(def.defaults);
      const values = Float64Array.from({ length: 200 }, (_, i) => (i % 7 === 0 ? 1 : 0));
      detector.updateMany(values);
      const restored = restoreDetector(JSON.parse(JSON.stringify(detector.toJSON())));
      const next = Float64Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 1 : 0));
      expect(restored.updateMany(next)).toEqual(detector.updateMany(next));
    },
  );

  test.each([
    [
      'DDM',
      { warmstart: 10 },
      /DDM has no option 'warmstart': its options are warmStart, warningThreshold, driftThreshold/,
    ],
    ['KSWIN', { windowSize: 0 }, /KSWIN option windowSize must be an integer >= 1, got 0/],
    ['HDDM_A', { twoSidedTest: 1 }, /HDDM_A option twoSidedTest must be true or false, got 1/],
    ['Nope', {}, /unknown detector 'Nope': expected one of ADWIN/],
  ])('%s %o is refused, naming the key and what is allowed', (kind, options, message) => {
    expect(() => createDetector(kind, options)).toThrow(message);
  });
});
