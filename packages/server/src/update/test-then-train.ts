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

/** Learns the rows in order, one at a time, after predicting each; returns the predictions (the gate's candidate). */
export async function testThenTrain(
  spec: ModelSpec,
  model: StewardModel,
  X: number[][],
  y: ClassValue[],
  /** A learner that has learnt nothing: its first row is learnt unscored (no version exists to compare it with). */
  fresh = false,
): Promise<GateOutputs> {
  const learner = model as OnlineLearner;
  const learn =
    typeof learner.learnOne === 'function'
      ? (x: number[], label: ClassValue) => learner.learnOne?.(x, label as Label)
      : typeof learner.partialFit === 'function'
        ? (x: number[], label: ClassValue) => learner.partialFit?.([x], [label] as never)
        : undefined;
  if (!learn)
    throw new Error(
      `the online strategy learns one row at a time, and ${model.constructor.name} cannot: choose a learner that learns online`,
    );
  const names = spec.features.map((f) => f.name);
  const output: ClassValue[] = [];
  const scores: Array<number | null> = [];
  const probas: Array<Record<string, number> | null> = [];
  for (let i = 0; i < X.length; i++) {
    const x = X[i] as number[];
    if (fresh && i === 0) {
      output.push(null as unknown as ClassValue);
      scores.push(null);
      probas.push(null);
      learn(x, y[i] as ClassValue);
      continue;
    }
    // Read the classes afresh each row: an online learner may meet a new one.
    const [served] = await modelPredictor(spec, 0, model).predict([
      Object.fromEntries(names.map((n, j) => [n, x[j] as number])),
    ]);
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
