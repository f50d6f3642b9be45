import { type Label, Pipeline, restoreModel } from '@steward/core';
import { modelClasses, positiveClass } from '../spec/model-classes.js';
import type { ModelSpec } from '../spec/model-spec.js';
import type { ClassValue, FeatureValue } from '../spec/records.js';
import { loadOnnxModel } from './onnx-model.js';
import type { ModelVersion } from './version-records.js';

export interface ServedPrediction {
  output: ClassValue;
  /** Binary: P(positive class). */
  score: number | null;
  /** Multiclass: class → probability. */
  proba: Record<string, number> | null;
}

/** A registered version ready to predict on feature records. */
export interface Predictor {
  readonly version: number;
  predict(rows: ReadonlyArray<Record<string, FeatureValue>>): Promise<ServedPrediction[]>;
}

type Restored = ReturnType<typeof restoreModel>;

function numericMatrix(spec: ModelSpec, rows: ReadonlyArray<Record<string, FeatureValue>>): number[][] {
  const names = spec.features.map((f) => f.name);
  return rows.map((row, r) =>
    names.map((name) => {
      const v = row[name];
      if (typeof v !== 'number') {
        throw new Error(
          `row ${r} feature ${name}: this model file takes numbers in the order of the model's features (${v === null ? 'missing' : typeof v}); register a Pipeline to impute or encode`,
        );
      }
      return v;
    }),
  );
}

function classesOf(model: Restored): Label[] | undefined {
  const own = (model as { classes?: Label[] }).classes;
  if (own) return own;
  return model instanceof Pipeline
    ? (model as unknown as { model: { classes?: Label[] } }).model.classes
    : undefined;
}

function fromProbabilities(
  spec: ModelSpec,
  classes: readonly ClassValue[],
  probabilities: ArrayLike<ArrayLike<number>>,
): ServedPrediction[] {
  const pos = spec.task === 'binary' ? classes.indexOf(positiveClass(spec)) : -1;
  return Array.from(probabilities, (p) => {
    let best = 0;
    for (let k = 1; k < p.length; k++) if ((p[k] as number) > (p[best] as number)) best = k;
    const output = classes[best] as ClassValue;
    if (spec.task === 'binary') return { output, score: pos >= 0 ? (p[pos] as number) : null, proba: null };
    return {
      output,
      score: null,
      proba: Object.fromEntries(classes.map((c, k) => [String(c), p[k] as number])),
    };
  });
}

/** A Steward model file: any learner, pipeline or ensemble of @steward/core. */
export function stewardPredictor(spec: ModelSpec, version: ModelVersion, bytes: Uint8Array): Predictor {
  return modelPredictor(spec, version.version, restoreModel(JSON.parse(Buffer.from(bytes).toString('utf8'))));
}

/**
 * A @steward/core model as a predictor. Its classes are read at each prediction, so a live online learner (which may
 * meet a new class between rows) is read as it stands.
 */
export function modelPredictor(spec: ModelSpec, version: number, model: Restored): Predictor {
  const input = (rows: ReadonlyArray<Record<string, FeatureValue>>) =>
    model instanceof Pipeline ? (rows as never) : (numericMatrix(spec, rows) as never);
  return {
    version,
    async predict(rows) {
      const X = input(rows);
      const classes = classesOf(model);
      if (
        spec.task !== 'regression' &&
        classes &&
        typeof (model as { predictProba?: unknown }).predictProba === 'function'
      ) {
        const proba = await (
          model as { predictProba(X: never): Float64Array[] | Promise<Float64Array[]> }
        ).predictProba(X);
        return fromProbabilities(spec, classes as ClassValue[], proba);
      }
      const outputs = await (
        model as { predict(X: never): ArrayLike<Label> | Promise<ArrayLike<Label>> }
      ).predict(X);
      return Array.from(outputs, (output) => ({ output: output as ClassValue, score: null, proba: null }));
    },
  };
}

/**
 * An ONNX model with one float32 input [batch, features] in the order of the model's features. Regression: the
 * first output's first column. Classification: the output with one column per class (a name with "prob"
 * preferred), columns in the order of the model's `classes`.
 */
export async function onnxPredictor(
  spec: ModelSpec,
  version: ModelVersion,
  path: string,
): Promise<Predictor> {
  const model = await loadOnnxModel(path);
  const classes = modelClasses(spec);
  const width = (shape: readonly (number | string)[]) => shape[shape.length - 1];
  const candidates = model.outputs.filter((o) => (classes ? width(o.shape) === classes.length : true));
  const chosen = candidates.find((o) => /prob/i.test(o.name)) ?? candidates[0];
  if (!chosen) {
    throw new Error(
      `ONNX version ${version.version}: no output has one column per class (${classes?.length}); outputs: ${model.outputs.map((o) => `${o.name}[${o.shape.join(', ')}]`).join(', ')}`,
    );
  }
  if (spec.task !== 'regression' && !classes)
    throw new Error('serving an ONNX classifier needs the model to declare its classes');
  const textFeature =
    model.takes === 'numbers' ? undefined : onnxTextFeature(spec, model.inputs[0]?.name ?? '');
  return {
    version: version.version,
    async predict(rows) {
      const predictions =
        textFeature === undefined
          ? await model.predict(numericMatrix(spec, rows))
          : await model.predictText(rows.map((row) => textOf(row, textFeature)));
      const out = predictions[chosen.name] as number[][];
      if (spec.task === 'regression')
        return out.map((row) => ({
          output: (Array.isArray(row) ? row[0] : row) as number,
          score: null,
          proba: null,
        }));
      return fromProbabilities(spec, classes as ClassValue[], out);
    },
  };
}

/**
 * The text feature an ONNX text model reads: the one named as its input, else the model's only text feature; a
 * model without one cannot serve it.
 */
function onnxTextFeature(spec: ModelSpec, input: string): string {
  const text = spec.features.filter((f) => f.type === 'text').map((f) => f.name);
  if (text.includes(input)) return input;
  if (text.length === 1) return text[0] as string;
  throw new Error(
    `this ONNX model takes one text per row (input '${input}'), but model ${spec.name} has ${text.length === 0 ? 'no text feature' : `${text.length} text features (${text.join(', ')}) and none is named '${input}'`}: declare { name: ${input}, type: text }`,
  );
}

/** A row's text for a text model: missing is an empty text. */
function textOf(row: Readonly<Record<string, FeatureValue>>, name: string): string {
  const v = row[name];
  if (v === null || v === undefined) return '';
  if (typeof v !== 'string') throw new Error(`feature ${name} is a text feature: got ${typeof v}`);
  return v;
}

/** A predictor for any registered version, its artifact verified against its hash first. */
export async function loadPredictor(
  spec: ModelSpec,
  version: ModelVersion,
  artifacts: { get(sha256: string): Buffer; path(sha256: string): string },
): Promise<Predictor> {
  const bytes = artifacts.get(version.sha256);
  return version.format === 'onnx'
    ? onnxPredictor(spec, version, artifacts.path(version.sha256))
    : stewardPredictor(spec, version, bytes);
}
