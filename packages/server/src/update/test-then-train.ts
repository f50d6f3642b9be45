// The online strategy's pass: each row predicted by the model as it stands, then learnt (test-then-train), so the
// predictions it records are honest: none was made by a model that had seen its row.
import type { Label } from '@steward/core';
import { modelPredictor } from '../registry/predictor.js';
import type { ModelSpec } from '../spec/model-spec.js';
import type { ClassValue } from '../spec/records.js';
import type { GateOutputs } from './gate.js';
import type { StewardModel } from './train-fresh.js';

interface OnlineLearner {
  learnOne?(x: readonly number[], y: Label): unknown;
  partialFit?(X: number[][], y: never): unknown;
}

/** One row learnt by an online learner (`learnOne`, or `partialFit` on one row); an error for any other model. */
function oneRowLearner(model: StewardModel): (x: number[], label: ClassValue) => void {
  const learner = model as OnlineLearner;
  if (typeof learner.learnOne === 'function') return (x, label) => void learner.learnOne?.(x, label as Label);
  if (typeof learner.partialFit === 'function')
    return (x, label) => void learner.partialFit?.([x], [label] as never);
  throw new Error(
    `the online strategy learns one row at a time, and ${model.constructor.name} cannot: choose a learner that learns online`,
  );
}

/** Learns the rows in order without scoring them: the first version, which has nothing to be compared with. */
export function learnRows(model: StewardModel, X: number[][], y: ClassValue[]): void {
  const learn = oneRowLearner(model);
  for (let i = 0; i < X.length; i++) learn(X[i] as number[], y[i] as ClassValue);
}

/** Learns the rows in order, one at a time, after predicting each; returns the predictions (the gate's candidate). */
export async function testThenTrain(
  spec: ModelSpec,
  model: StewardModel,
  X: number[][],
  y: ClassValue[],
): Promise<GateOutputs> {
  const learn = oneRowLearner(model);
  const predictor = modelPredictor(spec, 0, model);
  const names = spec.features.map((f) => f.name);
  const output: ClassValue[] = [];
  const scores: Array<number | null> = [];
  const probas: Array<Record<string, number> | null> = [];
  for (let i = 0; i < X.length; i++) {
    const x = X[i] as number[];
    const [served] = await predictor.predict([Object.fromEntries(names.map((n, j) => [n, x[j] as number]))]);
    output.push((served as NonNullable<typeof served>).output);
    scores.push(served?.score ?? null);
    probas.push(served?.proba ?? null);
    learn(x, y[i] as ClassValue);
  }
  return {
    output,
    ...(scores.every((s) => s !== null) ? { score: scores as number[] } : {}),
    ...(probas.every((p) => p !== null) ? { proba: probas as Array<Record<string, number>> } : {}),
  };
}
