// The model spec's JSON Schema for the OpenAPI document, from the zod schema that validates every spec.
import { modelSpec } from '../../spec/model-spec.js';
import { jsonSchema } from './route-schema.js';

export const modelSpecSchema = jsonSchema(modelSpec, 'input');
