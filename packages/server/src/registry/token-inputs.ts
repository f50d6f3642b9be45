import { Tokenizer } from '@huggingface/tokenizers';
import { StewardInputError } from '@steward/core';
import type { TensorInfo } from './onnx-model.js';

/** The inputs a Transformers export takes, all int64 of shape [batch, sequence]. */
const TOKEN_INPUTS = new Set(['input_ids', 'attention_mask', 'token_type_ids']);
/** Longest sequence fed when neither the model nor its tokenizer config says (BERT's). */
const DEFAULT_MAX_LENGTH = 512;

/** Turns texts into the int64 tensors of a token-id model: ids, mask and type ids, padded to the batch's longest. */
export interface TokenEncoder {
  readonly maxLength: number;
  encode(texts: readonly string[]): Record<string, { data: BigInt64Array; dims: [number, number] }>;
}

/** Whether the inputs are a Transformers export's (`input_ids`, with `attention_mask` and `token_type_ids` or not). */
export function takesTokenIds(inputs: readonly TensorInfo[]): boolean {
  return (
    inputs.some((i) => i.name === 'input_ids') &&
    inputs.every((i) => TOKEN_INPUTS.has(i.name) && i.type === 'int64' && i.shape.length === 2)
  );
}

/**
 * The encoder of a token-id model, from the Hugging Face `tokenizer.json` (and `tokenizer_config.json`) in its
 * metadata_props, run by Hugging Face's own tokenizers.js: texts are encoded with the special tokens, cut to the
 * longest sequence the model takes (its fixed sequence size, else the config's `model_max_length`, at most 512;
 * the last special token is kept), and padded with the pad token, masked out.
 */
export function tokenEncoder(
  path: string,
  inputs: readonly TensorInfo[],
  metadata: Record<string, string>,
): TokenEncoder {
  const json = metadata['tokenizer.json'];
  if (!json)
    throw new StewardInputError(
      `ONNX model ${path} takes token ids (input_ids) but carries no tokenizer: add the Hugging Face tokenizer.json (and tokenizer_config.json) to its metadata_props when exporting, e.g. onnx.helper.set_model_props(model, {"tokenizer.json": open("tokenizer.json").read()})`,
      'model',
    );
  let tokenizer: Tokenizer;
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(metadata['tokenizer_config.json'] ?? '{}') as Record<string, unknown>;
    tokenizer = new Tokenizer(JSON.parse(json), config);
  } catch (error) {
    throw new StewardInputError(
      `ONNX model ${path}: its tokenizer.json cannot be read: ${(error as Error).message}`,
      'model',
    );
  }
  const fixed = inputs.find((i) => i.name === 'input_ids')?.shape[1];
  const configured = Number(config.model_max_length);
  const maxLength =
    typeof fixed === 'number'
      ? fixed
      : Number.isInteger(configured) && configured > 0
        ? Math.min(configured, DEFAULT_MAX_LENGTH)
        : DEFAULT_MAX_LENGTH;
  const padToken = typeof config.pad_token === 'string' ? config.pad_token : '[PAD]';
  const padId = tokenizer.encode(padToken, { add_special_tokens: false }).ids[0] ?? 0;
  const wanted = new Set(inputs.map((i) => i.name));
  return {
    maxLength,
    encode(texts) {
      const encoded = texts.map((text) => {
        const e = tokenizer.encode(text);
        if (e.ids.length <= maxLength) return e.ids;
        // Cut the text, keep the closing special token ([SEP], </s>) the model was trained to see last.
        return [...e.ids.slice(0, maxLength - 1), e.ids[e.ids.length - 1] as number];
      });
      const length = typeof fixed === 'number' ? fixed : Math.max(1, ...encoded.map((ids) => ids.length));
      const dims: [number, number] = [texts.length, length];
      const ids = new BigInt64Array(texts.length * length).fill(BigInt(padId));
      const mask = new BigInt64Array(texts.length * length);
      encoded.forEach((row, r) => {
        row.forEach((id: number, k: number) => {
          ids[r * length + k] = BigInt(id);
          mask[r * length + k] = 1n;
        });
      });
      const feeds: ReturnType<TokenEncoder['encode']> = { input_ids: { data: ids, dims } };
      if (wanted.has('attention_mask')) feeds.attention_mask = { data: mask, dims };
      if (wanted.has('token_type_ids'))
        feeds.token_type_ids = { data: new BigInt64Array(texts.length * length), dims };
      return feeds;
    },
  };
}
