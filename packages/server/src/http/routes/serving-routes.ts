import { modelParams, rangeQuery, requests as req, responses as res } from '@steward/api';
import type { FastifyInstance } from 'fastify';
import { PredictionFailedError } from '../../serve/serving.js';
import { servedVersions } from '../../store/prediction-reads.js';
import { parseRequest, routeSchema } from '../api/route-schema.js';
import { ApiError } from '../api-error.js';
import { type ApiContext, requireModel } from '../context.js';
import { timeRange } from '../time-param.js';

export function servingRoutes(app: FastifyInstance, context: ApiContext, bodyLimit: number): void {
  app.post<{ Params: { name: string } }>(
    '/api/v1/models/:name/predict',
    {
      bodyLimit,
      config: { scope: 'ingest' },
      schema: routeSchema({
        summary: 'Predict with the production version (the candidate answers the canary share)',
        description:
          'Body: an array (or { rows: [...] }) of { id?, time?, segment?, key?, features }. Each row is routed by a sticky hash of its key (default its id); the predictions are logged into monitoring with their version before the answer; a shadow version, if set, predicts too without changing the answer.',
        tags: ['serving'],
        params: modelParams,
        body: req.predictRows,
        response: { 200: res.predictions },
      }),
    },
    async (request) => {
      const model = await requireModel(context, request.params.name);
      const body = request.body as unknown;
      const rows = Array.isArray(body) ? body : (body as { rows?: unknown } | undefined)?.rows;
      const result = model.validator.inputs(rows, context.clock.now());
      if (!result.ok)
        throw new ApiError(
          400,
          'invalid_batch',
          `rows refused, nothing predicted: ${result.errorCount} problem(s)`,
          result.errors,
        );
      try {
        return { predictions: await context.serving.predict(model, result.records) };
      } catch (error) {
        if (error instanceof PredictionFailedError) {
          throw new ApiError(
            422,
            'prediction_failed',
            `the model could not predict on these rows, nothing was logged: ${error.message}`,
          );
        }
        throw error;
      }
    },
  );

  app.get<{ Params: { name: string } }>(
    '/api/v1/models/:name/served',
    {
      config: { scope: 'read' },
      schema: routeSchema({
        summary: 'Which versions answered over a time range: first and last prediction, and how many',
        tags: ['serving'],
        params: modelParams,
        query: rangeQuery,
        response: { 200: res.served },
      }),
    },
    async (request) => {
      const model = await requireModel(context, request.params.name);
      const { from, to } = timeRange(parseRequest(rangeQuery, request.query, 'query'), context.clock.now());
      return (await servedVersions(context.store.db, model.spec.name, from, to)).map((v) => ({
        ...v,
        first: new Date(v.first).toISOString(),
        last: new Date(v.last).toISOString(),
      }));
    },
  );
}
