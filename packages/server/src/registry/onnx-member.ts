import {
  type Label,
  type Member,
  type ModelFile,
  restoreModel,
  Stacking,
  StewardInputError,
  Voting,
  WeightedAverage,
} from '@steward/core';
import { loadOnnxModel, type OnnxModel } from './onnx-model.js';

export interface OnnxMemberOptions {
  /** The .onnx file, recorded in the model file so an ensemble can be loaded again. */
  path: string;
  /** The output holding class probabilities, one column per class. */
  probabilities: string;
  /** The classes of those columns, in order (the ensemble checks they match its other members). */
  classes: Label[];
}

/** An ONNX classifier as an ensemble member: its answers are asynchronous, so use the ensembles' `…Async` methods. */
export function onnxMember(model: OnnxModel, options: OnnxMemberOptions): Member {
  if (!model.outputs.some((o) => o.name === options.probabilities)) {
    throw new StewardInputError(
      `the ONNX model has no output '${options.probabilities}' (it has ${model.outputs.map((o) => o.name).join(', ')})`,
      'probabilities',
    );
  }
  const proba = async (X: ArrayLike<ArrayLike<number>>) => {
    const out = await model.predict(Array.from(X));
    return (out[options.probabilities] as number[][]).map((row) => Float64Array.from(row));
  };
  return {
    classes: [...options.classes],
    predictProba: proba,
    predict: async (X) =>
      (await proba(X)).map((p) => {
        let best = 0;
        for (let k = 1; k < p.length; k++) if ((p[k] as number) > (p[best] as number)) best = k;
        return options.classes[best] as Label;
      }) as Label[],
    toJSON: () =>
      ({
        format: 'steward-model',
        version: 1,
        kind: 'OnnxModel',
        params: { ...options },
        state: {},
      }) as ModelFile,
  };
}

type Loaded = ReturnType<typeof restoreModel> | Member;

/**
 * Loads any saved model, including ensembles whose members are ONNX files (which only the server can open): the
 * ONNX members are loaded first, then the ensemble is rebuilt around them.
 */
export async function loadModel(json: unknown): Promise<Loaded> {
  const onnx = new Map<string, Member>();
  const visit = async (node: unknown): Promise<void> => {
    if (node === null || typeof node !== 'object') return;
    const file = node as ModelFile;
    if (file.kind === 'OnnxModel') {
      const params = file.params as OnnxMemberOptions;
      onnx.set(JSON.stringify(file), onnxMember(await loadOnnxModel(params.path), params));
      return;
    }
    const state = file.state as { models?: unknown[]; base?: unknown[]; meta?: unknown } | undefined;
    for (const child of [...(state?.models ?? []), ...(state?.base ?? []), state?.meta]) await visit(child);
  };
  await visit(json);
  const restore = (file: unknown): Member => {
    const kind = (file as ModelFile | null)?.kind;
    if (kind === 'OnnxModel') return onnx.get(JSON.stringify(file)) as Member;
    if (kind === 'WeightedAverage') return WeightedAverage.fromJSON(file, restore) as unknown as Member;
    if (kind === 'Voting') return Voting.fromJSON(file, restore) as unknown as Member;
    if (kind === 'Stacking') return Stacking.fromJSON(file, restore) as unknown as Member;
    return restoreModel(file) as unknown as Member;
  };
  return restore(json);
}
