import type { ModelSpecInput } from '@steward/client';
import { ELEC2_FEATURE_NAMES } from './elec2-data.js';

/** How the replayed model is kept up to date: its update policy and the kind of its first version. */
export interface ReplayStrategy {
  name: string;
  description: string;
  /** Version 1: an online learner when the strategy updates it incrementally. */
  initial: 'LogisticRegression' | 'SGDClassifier' | 'GradientBoostingClassifier';
  update?: Record<string, unknown>;
}

// The accuracy floor alerts; DDM on the error stream starts the runs (on Elec2 it finds as much with a fifth of the
// runs that the floor would start: measured over 400 days, 0.787 accuracy with 65 runs against 0.779 with 93).
const ON_DRIFT = { onFailingChecks: ['ddm'], window: '28d', minRows: 500 };
const GB = { kind: 'GradientBoostingClassifier', params: {} };
const LR = { kind: 'LogisticRegression', params: {} };

/** The strategies `bench/efficacy` compares; `drift-retrain` is what `npm start` shows. */
export const REPLAY_STRATEGIES: Record<string, ReplayStrategy> = {
  static: {
    name: 'static',
    description: 'gradient boosting trained on the first 4 weeks, never updated',
    initial: 'GradientBoostingClassifier',
  },
  scheduled: {
    name: 'scheduled',
    description: 'gradient boosting retrained on the last 4 weeks after every 7 days of labels (336), gated',
    initial: 'GradientBoostingClassifier',
    update: { newLabels: 336, window: '28d', minRows: 500, strategy: 'retrain', learner: GB },
  },
  'drift-retrain': {
    name: 'drift-retrain',
    description:
      'gradient boosting retrained on the last 4 weeks when DDM signals drift in the error stream, gated',
    initial: 'GradientBoostingClassifier',
    update: { ...ON_DRIFT, strategy: 'retrain', learner: GB },
  },
  'fine-tune': {
    name: 'fine-tune',
    description:
      'logistic regression warm-started (L-BFGS from its coefficients) on the last 4 weeks when DDM signals drift, gated',
    initial: 'LogisticRegression',
    update: { ...ON_DRIFT, strategy: 'fineTune', learner: LR },
  },
  incremental: {
    name: 'incremental',
    description: "SGD (log loss) partialFit on each day's labels, gated",
    initial: 'SGDClassifier',
    update: {
      newLabels: 48,
      window: '2d',
      minRows: 40,
      strategy: 'incremental',
      learner: { kind: 'SGDClassifier', params: { loss: 'log_loss' } },
      gate: { alpha: 0.5 },
    },
  },
  ensemble: {
    name: 'ensemble',
    description:
      'production fused with gradient boosting of the last 4 weeks (fitted weights) when DDM signals drift, gated',
    initial: 'GradientBoostingClassifier',
    update: { ...ON_DRIFT, strategy: 'ensemble', learner: GB },
  },
  tune: {
    name: 'tune',
    description:
      'gradient boosting with learning rate and leaves tuned (6 random trials) when DDM signals drift, gated',
    initial: 'GradientBoostingClassifier',
    update: {
      ...ON_DRIFT,
      strategy: 'tune',
      learner: GB,
      tune: {
        space: {
          learningRate: { type: 'loguniform', low: 0.02, high: 0.3 },
          maxLeafNodes: { type: 'int', low: 7, high: 63, log: true },
        },
        budget: 6,
        algorithm: 'random',
        seed: 1,
      },
    },
  },
};

/** The replayed model: daily windows, labels a day late, an accuracy floor and DDM on the error stream. */
export function replayModelSpec(name: string, strategy: ReplayStrategy, withDrift: boolean): ModelSpecInput {
  return {
    name,
    task: 'binary',
    features: ELEC2_FEATURE_NAMES.map((f) => ({ name: f, type: 'numeric' as const })),
    window: '1d',
    labelGrace: '1d',
    alertCooldown: '1d',
    checks: [
      {
        type: 'metric',
        name: 'accuracy-floor',
        metric: 'accuracy',
        min: 0.7,
        minLabels: 30,
        severity: 'critical',
      },
      { type: 'detector', name: 'ddm', detector: 'DDM', severity: 'critical' },
      ...(withDrift
        ? [{ type: 'drift', name: 'feature-drift', reference: 'training', severity: 'info' }]
        : []),
    ],
    notifiers: [],
    ...(strategy.update ? { update: strategy.update } : {}),
  } as ModelSpecInput;
}
