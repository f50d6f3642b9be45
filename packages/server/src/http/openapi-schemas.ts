import { z } from 'zod';
import { modelSpec } from '../spec/model-spec.js';

type JsonSchema = Record<string, unknown>;

/** JSON Schemas for the OpenAPI document, generated from the same zod schemas that validate requests. */
export const modelSpecSchema = z.toJSONSchema(modelSpec, {
  io: 'input',
  unrepresentable: 'any',
}) as JsonSchema;

const classValue = { oneOf: [{ type: 'string' }, { type: 'number' }] };
const time = {
  oneOf: [
    { type: 'string', format: 'date-time' },
    { type: 'integer', description: 'epoch milliseconds' },
  ],
};

export const predictionRowSchema: JsonSchema = {
  type: 'object',
  required: ['features', 'output'],
  additionalProperties: false,
  properties: {
    id: {
      oneOf: [{ type: 'string', maxLength: 256 }, { type: 'integer' }],
      description: 'Unique per model; generated when absent. Labels refer to it.',
    },
    time: { ...time, description: 'When the prediction was made; default: when received.' },
    features: {
      type: 'object',
      description: "Values of the model's features; null or absent means missing.",
    },
    output: { ...classValue, description: 'The predicted class, or the predicted value for regression.' },
    score: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      description: 'Binary models: probability of the positive class.',
    },
    proba: {
      type: 'object',
      additionalProperties: { type: 'number' },
      description: 'Multiclass models: class → probability.',
    },
    version: { type: 'string', maxLength: 128 },
    segment: { type: 'string', maxLength: 128 },
  },
};

export const labelRowSchema: JsonSchema = {
  type: 'object',
  required: ['predictionId', 'label'],
  additionalProperties: false,
  properties: {
    predictionId: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
    label: classValue,
    time: { ...time, description: 'When the outcome was known; default: when received.' },
  },
};

export const errorSchema: JsonSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: {
          type: 'array',
          items: {
            type: 'object',
            properties: { row: { type: 'integer' }, field: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
};

export const rangeQuery: JsonSchema = {
  type: 'object',
  properties: {
    from: { type: 'string', description: 'ISO time or epoch ms (default: 7 days before to)' },
    to: { type: 'string', description: 'ISO time or epoch ms (default: now)' },
    size: { type: 'string', description: "Window length, a multiple of the model's window (e.g. 1d)" },
    count: {
      type: 'string',
      description: 'Windows of this many consecutive predictions instead of time windows',
    },
    profile: {
      type: 'string',
      enum: ['true', 'false'],
      description: 'Include per-feature profiles (windows only)',
    },
  },
};
