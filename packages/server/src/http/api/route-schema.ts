// A route described once with zod: its Fastify schema (and so its OpenAPI entry) is generated from the same
// schemas its handler parses requests with. Responses are documented and checked by the API tests; the server
// serialises them as they are (app.ts), so a description cannot change an answer.

import { errorBody } from '@steward/api';
import type { FastifySchema } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../api-error.js';

export interface RouteDescription {
  summary: string;
  description?: string;
  tags: string[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** A body described elsewhere (the model spec's own JSON Schema). */
  bodySchema?: Record<string, unknown>;
  /** The success answers by status; every route also answers errors as `errorBody`. */
  response: Partial<Record<200 | 201 | 202 | 204, z.ZodType>>;
}

type JsonSchema = Record<string, unknown>;

export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as JsonSchema;
}

const errorJson = jsonSchema(errorBody, 'output');

export function routeSchema(route: RouteDescription): FastifySchema {
  const response: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(route.response)) {
    response[status] =
      status === '204' ? { description: 'No content', type: 'null' } : jsonSchema(schema, 'output');
  }
  response['4xx'] = { description: 'The request cannot be done: the error says why', ...errorJson };
  return {
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: route.tags,
    ...(route.params ? { params: jsonSchema(route.params, 'input') } : {}),
    ...(route.query ? { querystring: jsonSchema(route.query, 'input') } : {}),
    ...(route.body ? { body: jsonSchema(route.body, 'input') } : {}),
    ...(route.bodySchema ? { body: route.bodySchema } : {}),
    response,
  };
}

/** A zod issue path as the API names fields: `[2].metric`, `scopes`. */
function fieldOf(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
}

/** Parses a body or query with its schema; a 400 lists every problem by field. */
export function parseRequest<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: 'body' | 'query',
): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({
    field: fieldOf(issue.path),
    message: issue.message,
  }));
  const first = details[0];
  throw new ApiError(
    400,
    where === 'body' ? 'invalid_body' : 'bad_query',
    `${where === 'body' ? 'the body' : 'the query'} is not valid: ${first ? `${first.field || where}: ${first.message}` : 'see details'}`,
    details,
  );
}
