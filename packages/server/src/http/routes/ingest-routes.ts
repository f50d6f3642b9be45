import { modelParams, requests as req, responses as res } from '@steward/api';
import type { FastifyInstance } from 'fastify';
import { routeSchema } from '../api/route-schema.js';
import { ApiError } from '../api-error.js';
import { rawBody } from '../body.js';
import { type ApiContext, requireModel } from '../context.js';

const _batchBody = (row: Record<string, unknown>) => ({
  description: 'A JSON array, or NDJSON (Content-Type: application/x-ndjson) with one object per line.',
  type: 'array',
  items: row,
});

export function ingestRoutes(app: FastifyInstance, context: ApiContext, bodyLimit: number): void {
  app.post<{ Params: { name: string } }>(
    '/api/v1/models/:name/predictions',
    {
      bodyLimit,
      config: { scope: 'ingest' },
      schema: routeSchema({
        summary: 'Log a batch of predictions',
        description:
          'Validated against the model schema and stored atomically: all rows or none. A 400 lists the row and field of each problem. Stored durably before the 200; re-sent ids are skipped.',
        tags: ['ingest'],
        params: modelParams,
        body: req.predictionBatch,
        response: { 200: res.predictionsStored },
      }),
    },
    async (request) => {
      const model = await requireModel(context, request.params.name);
      const result = model.validator.predictions(request.body, context.clock.now());
      if (!result.ok) {
        context.metrics.rejected.inc({ model: model.spec.name, kind: 'predictions' });
        throw new ApiError(
          400,
          'invalid_batch',
          batchMessage(result.errorCount, result.errors[0]),
          result.errors,
        );
      }
      const stored = await context.ingestion.predictions(
        model,
        result.records,
        result.verbatim ? rawBody(request) : undefined,
      );
      context.metrics.predictions.inc({ model: model.spec.name }, stored.inserted);
      return stored;
    },
  );

  app.post<{ Params: { name: string } }>(
    '/api/v1/models/:name/labels',
    {
      bodyLimit,
      config: { scope: 'ingest' },
      schema: routeSchema({
        summary: 'Log ground-truth labels',
        description:
          'Labels may arrive hours after their prediction, or before it; they join by prediction id. A later label for the same id replaces the earlier one.',
        tags: ['ingest'],
        params: modelParams,
        body: req.labelBatch,
        response: { 200: res.labelsStored },
      }),
    },
    async (request) => {
      const model = await requireModel(context, request.params.name);
      const result = model.validator.labels(request.body, context.clock.now());
      if (!result.ok) {
        context.metrics.rejected.inc({ model: model.spec.name, kind: 'labels' });
        throw new ApiError(
          400,
          'invalid_batch',
          batchMessage(result.errorCount, result.errors[0]),
          result.errors,
        );
      }
      const stored = await context.ingestion.labels(model, result.records);
      context.metrics.labels.inc({ model: model.spec.name }, stored.accepted);
      return stored;
    },
  );
}

function batchMessage(
  count: number,
  first: { row: number; field: string; message: string } | undefined,
): string {
  const where = first
    ? first.row >= 0
      ? `row ${first.row}${first.field ? ` field ${first.field}` : ''}`
      : first.field
    : '';
  return `batch rejected, nothing stored: ${count} problem(s); first: ${where}: ${first?.message ?? ''}`;
}
