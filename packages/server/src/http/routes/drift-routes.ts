import { modelParams, requests as req, responses as res } from '@steward/api';
import { detectDrift } from '@steward/core';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { driftColumns } from '../../monitor/drift-columns.js';
import { driftTimeline } from '../../monitor/drift-timeline.js';
import type { LoadedModel } from '../../monitor/model-catalog.js';
import { type ReferenceSpec, resolveReference } from '../../monitor/references.js';
import { type ServingReferences, servingReferences } from '../../monitor/serving-references.js';
import { queryPredictions } from '../../store/prediction-reads.js';
import { parseRequest, routeSchema } from '../api/route-schema.js';
import { ApiError } from '../api-error.js';
import { type ApiContext, requireModel } from '../context.js';
import { durationParam, intParam, timeParam, timeRange } from '../time-param.js';
import { windowSizeForAtMost } from '../window-size.js';

type DriftQuery = z.output<typeof req.driftQuery>;

const MAX_ROWS = 100_000;

/** `reference` (a stored name) or `referenceWindow` (an ISO time); by default what the model's first drift check uses. */
function referenceOf(model: LoadedModel, query: DriftQuery): ReferenceSpec {
  if (query.referenceWindow) {
    timeParam('referenceWindow', query.referenceWindow, 0);
    return { window: query.referenceWindow };
  }
  if (query.reference) return query.reference;
  const check = model.spec.checks.find((c) => c.type === 'drift');
  return check?.type === 'drift' ? check.reference : 'training';
}

async function referenceRows(context: ApiContext, model: LoadedModel, query: DriftQuery) {
  if (query.against === 'serving') {
    // The version production served in the middle of the range.
    const range = timeRange(query, context.clock.now());
    const references = await servingOf(context, model, query, range);
    const serving = references.at(range.from, range.to);
    if (!serving) {
      const stored = referenceOf(model, query);
      const name = typeof stored === 'string' ? stored : 'training';
      throw new ApiError(
        404,
        'no_reference',
        `no version with a training window served then, and no stored reference to stand in (upload one with PUT /api/v1/models/${model.spec.name}/references/${name})`,
      );
    }
    return (await references.rows(new Set([serving.key]))).get(serving.key) ?? [];
  }
  const rows = await resolveReference(context.store, model.spec, referenceOf(model, query), MAX_ROWS);
  if (typeof rows === 'string') throw new ApiError(404, 'no_reference', rows);
  return rows;
}

/** Against the serving version's training data; the model's stored reference stands in where there is none. */
async function servingOf(
  context: ApiContext,
  model: LoadedModel,
  query: DriftQuery,
  range: { from: number; to: number },
): Promise<ServingReferences> {
  const spec = referenceOf(model, query);
  const uploaded =
    typeof spec === 'string' ? await resolveReference(context.store, model.spec, spec, MAX_ROWS) : undefined;
  return servingReferences(
    context.store,
    context.registry,
    model.spec,
    range.from,
    range.to,
    Array.isArray(uploaded) ? { name: spec as string, rows: uploaded } : undefined,
  );
}

async function currentRows(context: ApiContext, model: LoadedModel, query: DriftQuery) {
  const { from, to } = timeRange(query, context.clock.now());
  const rows = await queryPredictions(context.store.db, model.spec.name, {
    from,
    to,
    features: true,
    limit: MAX_ROWS,
  });
  if (rows.length === 0) throw new ApiError(400, 'no_data', 'no predictions in that range');
  return rows.map((r) => r.features as Record<string, never>);
}

export function driftRoutes(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Params: { name: string } }>(
    '/api/v1/models/:name/drift',
    {
      config: { scope: 'read' },
      schema: routeSchema({
        summary: 'Drift report of a time range against a reference',
        tags: ['monitoring'],
        params: modelParams,
        query: req.driftQuery,
        response: { 200: res.driftReport },
      }),
    },
    async (request) => {
      const model = await requireModel(context, request.params.name);
      const query = parseRequest(req.driftQuery, request.query, 'query');
      const reference = await referenceRows(context, model, query);
      return detectDrift(
        reference as Array<Record<string, never>>,
        await currentRows(context, model, query),
        {
          columns: model.spec.features.map((f) => f.name),
          perColumn: driftColumns(model.spec),
        },
      );
    },
  );

  app.get<{ Params: { name: string } }>(
    '/api/v1/models/:name/drift/windows',
    {
      config: { scope: 'read' },
      schema: routeSchema({
        summary: 'Drift of every feature in every window against a reference (a feature × window matrix)',
        tags: ['monitoring'],
        params: modelParams,
        query: req.driftQuery,
        response: { 200: res.driftTimeline },
      }),
    },
    async (request) => {
      const model = await requireModel(context, request.params.name);
      const query = parseRequest(req.driftQuery, request.query, 'query');
      const size = durationParam('size', query.size);
      if (size !== undefined && (size < model.spec.window || size % model.spec.window !== 0))
        throw new ApiError(
          400,
          'bad_query',
          `size must be a multiple of the model's window (${model.spec.window} ms)`,
          [{ field: 'size', message: 'not a multiple of the window' }],
        );
      const range = timeRange(query, context.clock.now());
      const maxWindows = intParam('maxWindows', query.maxWindows);
      const windowMs =
        size ??
        (maxWindows === undefined
          ? model.spec.window
          : await windowSizeForAtMost(context, model, range, maxWindows));
      const timeline = await driftTimeline(
        context.store,
        model.spec,
        query.against === 'previous'
          ? 'previous'
          : query.against === 'serving'
            ? { serving: await servingOf(context, model, query, range) }
            : await referenceRows(context, model, query),
        { ...range, size: windowMs },
      );
      return {
        features: timeline.features,
        windowMs,
        windows: timeline.windows.map((w) => ({
          ...w,
          start: new Date(w.start).toISOString(),
          end: new Date(w.end).toISOString(),
        })),
      };
    },
  );

  app.get<{ Params: { name: string } }>(
    '/api/v1/models/:name/drift/feature',
    {
      config: { scope: 'read' },
      schema: routeSchema({
        summary: 'One feature: its reference and current distributions over a time range, and the drift test',
        tags: ['monitoring'],
        params: modelParams,
        query: req.driftQuery,
        response: { 200: res.driftFeature },
      }),
    },
    async (request) => {
      const model = await requireModel(context, request.params.name);
      const query = parseRequest(req.driftQuery, request.query, 'query');
      const feature = query.feature;
      if (!feature || !model.spec.features.some((f) => f.name === feature))
        throw new ApiError(
          400,
          'bad_query',
          `feature must name one of the model's features (${model.spec.features.map((f) => f.name).join(', ')})`,
          [{ field: 'feature', message: feature ? 'unknown feature' : 'missing' }],
        );
      const reference = await referenceRows(context, model, query);
      const report = detectDrift(
        reference as Array<Record<string, never>>,
        await currentRows(context, model, query),
        {
          columns: [feature],
          perColumn: driftColumns(model.spec),
        },
      );
      return report.columns[0];
    },
  );
}
