import { describe, expect, test } from 'vitest';
import { formatIssues, modelSpec } from './model-spec.js';

const base = { name: 'm', task: 'binary', features: [{ name: 'x', type: 'numeric' }] };

describe('model spec defaults and registry options', () => {
  test('an update policy given without gate or rollout gets every default once, from the field that owns it', () => {
    const spec = modelSpec.parse({ ...base, update: { learner: { kind: 'GaussianNB' } } });
    expect(spec.update?.gate).toEqual({
      mode: 'superiority',
      minImprovement: 0,
      margin: 0.01,
      guards: [],
      alpha: 0.05,
    });
    expect(spec.update?.refit).toBe(true);
    expect(spec.update?.rollout).toEqual({
      mode: 'direct',
      share: 0.1,
      minLabelled: 500,
      tolerance: 0,
      decide: 'gate',
      maxLabelled: 10_000,
    });
    expect(spec.update?.learner).toEqual({ kind: 'GaussianNB', params: {} });
    expect(spec.serving).toEqual({ canaryShare: 0 });
  });

  test('text features are learnt through a pipeline, by a learner that takes sparse rows', () => {
    const text = { ...base, features: [{ name: 'body', type: 'text' }] };
    const ok = modelSpec.parse({
      ...text,
      update: {
        learner: {
          kind: 'MultinomialNB',
          pipeline: { text: { ngramRange: [1, 2], tfidf: { sublinearTf: true } } },
        },
      },
    });
    expect(ok.update?.learner?.pipeline?.text).toEqual({ ngramRange: [1, 2], tfidf: { sublinearTf: true } });
    const problems = (update: unknown) => {
      const result = modelSpec.safeParse({ ...text, update });
      return result.success ? [] : result.error.issues.map((i) => i.message);
    };
    expect(problems({ learner: { kind: 'SGDClassifier' } })).toEqual([
      'text features (body) are learnt through a pipeline of hashed n-grams: add update.learner.pipeline (its text steps are optional)',
    ]);
    expect(problems({ learner: { kind: 'GaussianNB', pipeline: {} } })[0]).toMatch(
      /GaussianNB does not take them; choose one of SGDClassifier, MLPClassifier, MultinomialNB, ComplementNB$/,
    );
    expect(
      problems({ learner: { kind: 'MultinomialNB', pipeline: { text: { nFeatures: 0 } } } }),
    ).toHaveLength(1);
  });

  test('learner params and detector options are normalised by their definitions in core', () => {
    const spec = modelSpec.parse({
      ...base,
      checks: [{ type: 'detector', name: 'd', detector: 'ADWIN', options: { delta: 0.01 } }],
      update: { learner: { kind: 'MLPClassifier', params: { hiddenLayers: '16,8' } } },
    });
    expect(spec.update?.learner?.params).toEqual({ hiddenLayers: [16, 8] });
    expect(spec.checks[0]).toMatchObject({ options: { delta: 0.01 } });
  });

  test.each([
    [
      { update: { learner: { kind: 'GaussianNB', params: { varSmothing: 1 } } } },
      'update.learner.params.varSmothing',
      /GaussianNB has no option 'varSmothing': its options are varSmoothing/,
    ],
    [
      { update: { learner: { kind: 'Forest' } } },
      'update.learner.kind',
      /expected one of "LogisticRegression"/,
    ],
    [
      { checks: [{ type: 'detector', name: 'd', detector: 'PageHinkley', options: { mode: 'sideways' } }] },
      'checks[0].options.mode',
      /PageHinkley option mode must be one of 'up', 'down', 'both', got 'sideways'/,
    ],
  ])('%o is refused at %s', (extra, field, message) => {
    const result = modelSpec.safeParse({ ...base, ...extra });
    expect(result.success).toBe(false);
    const issues = result.success ? [] : formatIssues(result.error);
    expect(issues).toContainEqual({ field, message: expect.stringMatching(message) });
  });
});
