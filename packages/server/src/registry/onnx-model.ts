import { readFileSync } from 'node:fs';
import { StewardInputError } from '@steward/core';
import { onnxMetadata } from './onnx-metadata.js';
import { type TokenEncoder, takesTokenIds, tokenEncoder } from './token-inputs.js';

/** One input or output of an ONNX model, as the runtime reports it. */
export interface TensorInfo {
  name: string;
  /** Element type, for example 'float32' or 'int64'. */
  type: string;
  /** Dimensions; symbolic ones (such as the batch) are names. */
  shape: (number | string)[];
}

/** Predictions by output name: one row per input row (numbers, or arrays of numbers for vector outputs). */
export type OnnxPredictions = Record<string, (number | number[])[]>;

export interface OnnxModel {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /**
   * What the model takes: rows of numbers (one float32 input [batch, features]); one text per row (one string input
   * [batch] or [batch, 1]: a graph that tokenizes inside, as scikit-learn's exported text pipelines); or token ids
   * (`input_ids`, `attention_mask`, `token_type_ids`: a Transformers export, whose tokenizer.json rides in its
   * metadata_props and is run here). `predictText` serves the last two.
   */
  takes: 'numbers' | 'text' | 'tokens';
  /** Runs rows of features through the model, `batchSize` rows per call to the runtime (default 1024). */
  predict(rows: readonly ArrayLike<number>[], options?: { batchSize?: number }): Promise<OnnxPredictions>;
  /** Text models: runs one text per row. */
  predictText(texts: readonly string[], options?: { batchSize?: number }): Promise<OnnxPredictions>;
  close(): Promise<void>;
}

type Ort = typeof import('onnxruntime-node');

async function runtime(): Promise<Ort> {
  try {
    return await import('onnxruntime-node');
  } catch {
    throw new StewardInputError(
      'ONNX models need the optional package onnxruntime-node, which is not installed: run `npm install onnxruntime-node` (its CPU runtime is bundled; set onnxruntime-node-install=skip in .npmrc where its CUDA download cannot be reached)',
      'model',
    );
  }
}

/**
 * Loads an ONNX model with onnxruntime-node (CPU). It takes one float32 input of shape [batch, features], one string
 * input of shape [batch] (a text model), or a Transformers export's token ids (`takes`); every output comes back
 * with one entry per row.
 */
export async function loadOnnxModel(path: string): Promise<OnnxModel> {
  const ort = await runtime();
  let session: Awaited<ReturnType<Ort['InferenceSession']['create']>>;
  try {
    session = await ort.InferenceSession.create(path);
  } catch (error) {
    throw new StewardInputError(`cannot load ONNX model ${path}: ${(error as Error).message}`, 'model');
  }
  const describe = (meta: readonly unknown[]): TensorInfo[] =>
    meta.map((m) => {
      const t = m as { name: string; isTensor?: boolean; type?: string; shape?: (number | string)[] };
      return { name: t.name, type: t.type ?? 'unknown', shape: [...(t.shape ?? [])] };
    });
  const inputs = describe(session.inputMetadata as readonly unknown[]);
  const outputs = describe(session.outputMetadata as readonly unknown[]);
  const input = inputs[0];
  const numbers = inputs.length === 1 && input?.type === 'float32' && input.shape.length === 2;
  const text =
    inputs.length === 1 && input?.type === 'string' && (input.shape.length === 1 || input.shape[1] === 1);
  const tokens = takesTokenIds(inputs);
  if (!input || !(numbers || text || tokens)) {
    await session.release();
    throw new StewardInputError(
      `ONNX model ${path} takes ${inputs.map((i) => `${i.name} ${i.type}[${i.shape.join(', ')}]`).join(', ')}: Steward serves models with one input, float32 of shape [batch, features] or string of shape [batch] (one text per row), or a Transformers export's int64 input_ids (attention_mask, token_type_ids) with its tokenizer.json in its metadata_props`,
      'model',
    );
  }
  let encoder: TokenEncoder | undefined;
  if (tokens) {
    try {
      encoder = tokenEncoder(path, inputs, onnxMetadata(readFileSync(path)));
    } catch (error) {
      await session.release();
      throw error;
    }
  }
  const width = typeof input.shape[1] === 'number' ? input.shape[1] : undefined;
  const checkedBatch = (options: { batchSize?: number }) => {
    const batchSize = options.batchSize ?? 1024;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new StewardInputError('batchSize must be a positive integer', 'batchSize');
    return batchSize;
  };
  /** Appends a batch's outputs to `result`, one entry per row. */
  const collect = (
    out: Record<string, { data: unknown; dims: readonly number[] }>,
    rows: number,
    result: OnnxPredictions,
  ) => {
    for (const o of outputs) {
      const tensor = out[o.name];
      if (!tensor) continue;
      const values = Array.from(tensor.data as ArrayLike<number | bigint>, (v) => Number(v));
      const perRow = values.length / rows;
      const target = result[o.name] as (number | number[])[];
      for (let r = 0; r < rows; r++) {
        target.push(
          perRow === 1 && tensor.dims.length === 1
            ? (values[r] as number)
            : values.slice(r * perRow, (r + 1) * perRow),
        );
      }
    }
  };
  return {
    inputs,
    outputs,
    takes: tokens ? 'tokens' : text ? 'text' : 'numbers',
    async predictText(texts, options = {}) {
      if (numbers) throw new StewardInputError(`ONNX model ${path} takes numbers, not text`, 'model');
      const batchSize = checkedBatch(options);
      const result: OnnxPredictions = Object.fromEntries(outputs.map((o) => [o.name, []]));
      for (let start = 0; start < texts.length; start += batchSize) {
        const batch = texts.slice(start, start + batchSize);
        const feeds = encoder
          ? Object.fromEntries(
              Object.entries(encoder.encode(batch)).map(([name, t]) => [
                name,
                new ort.Tensor('int64', t.data, t.dims),
              ]),
            )
          : {
              [input.name]: new ort.Tensor(
                'string',
                [...batch],
                input.shape.length === 1 ? [batch.length] : [batch.length, 1],
              ),
            };
        collect(await session.run(feeds), batch.length, result);
      }
      return result;
    },
    async predict(rows, options = {}) {
      if (!numbers)
        throw new StewardInputError(`ONNX model ${path} takes one text per row, not numbers`, 'model');
      const batchSize = checkedBatch(options);
      const cols = width ?? rows[0]?.length ?? 0;
      const result: OnnxPredictions = Object.fromEntries(outputs.map((o) => [o.name, []]));
      for (let start = 0; start < rows.length; start += batchSize) {
        const batch = rows.slice(start, start + batchSize);
        const data = new Float32Array(batch.length * cols);
        batch.forEach((row, r) => {
          if (row.length !== cols) {
            throw new StewardInputError(
              `row ${start + r} has ${row.length} features but the model takes ${cols}`,
              'rows',
            );
          }
          for (let j = 0; j < cols; j++) {
            const v = row[j] as number;
            if (!Number.isFinite(v))
              throw new StewardInputError(
                `row ${start + r}, feature ${j} is ${v}: need finite numbers`,
                'rows',
              );
            data[r * cols + j] = v;
          }
        });
        const feeds = { [input.name]: new ort.Tensor('float32', data, [batch.length, cols]) };
        collect(await session.run(feeds), batch.length, result);
      }
      return result;
    },
    async close() {
      await session.release();
    },
  };
}
