import { modelParams, requests as req, responses as res } from '@steward/api';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { modelHealth } from '../../monitor/health.js';
import { listReferences, putReference } from '../../monitor/references.js';
import { countWindows, timeWindows } from '../../monitor/windows.js';
import { countPredictions } from '../../store/prediction-reads.js';
import { modelSpecSchema } from '../api/model-spec-schema.js';
import { parseRequest, routeSchema } from '../api/route-schema.js';
import { ApiError, notFound } from '../api-error.js';
import { type ApiContext, requireModel } from '../context.js';
import { windowsJSON, windowView } from '../profile-json.js';
import { durationParam, intParam, timeRange } from '../time-param.js';
import { windowRange, windowSizeForAtMost } from '../window-size.js';
import { actorOf } from './registry-routes.js';

export function modelRoutes(app: FastifyInstance, context: ApiContext): void {
  app.get(
    '/api/v1/models',
    {
      config: { scope: 'read' },
      schema: routeSchema({
        summary: 'List models with their health',
        tags: ['models'],
        response: { 200: res.modelList },
      }),
    },
    async () => {
      const models = await context.catalog.list();
      return Promise.all(
        models.map(async (m) => ({
          name: m.spec.name,
          task: m.spec.task,
          health: (await modelHealth(context.store, m.spec.name)).status,
        })),
      );
    },
  );

  const putModel = async (body: unknown, name?: string) => {
    if (
      name !== undefined &&
      typeof body === 'object' &&
      body !== null &&
      'name' in body &&
      body.name !== name
    ) {
      throw new ApiError(
        400,
        'invalid_model',
        `the body names model "${String(body.name)}" but the URL names "${name}"`,
        [{ field: 'name', message: 'differs from the URL' }],
      );
    }
    const input = name !== undefined && typeof body === 'object' && body !== null ? { ...body, name } : body;
    return context.catalog.put(input);
  };

  app.post(
    '/api/v1/models',
    {
      config: { scope: 'admin' },
      schema: routeSchema({
        summary: 'Create or replace a model',
        tags: ['models'],
        bodySchema: modelSpecSchema,
        response: { 200: res.storedSpec, 201: res.storedSpec },
      }),
    },
    async (request, reply) => {
      const { model, created } = await putModel(request.body);
      reply.code(created ? 201 : 200);
      return model.spec;
    },
  );

  app.put<{ Params: { name: string } }>(
    '/api/v1/models/:name',
    {
      config: { scope: 'admin' },
      schema: routeSchema({
        summary: 'Create or replace a model',
        tags: ['models'],
        params: modelParams,
        bodySchema: modelSpecSchema,
        response: { 200: res.storedSpec, 201: res.storedSpec },
      }),
    },
    async (request, reply) => {
      const { model, created } = await putModel(request.body, request.params.name);
      reply.code(created ? 201 : 200);
      return model.spec;
    },
  );

  app.get<{ Params: { name: string } }>(
    '/api/v1/models/:name',
    {
      config: { scope: 'read' },
      schema: routeSchema({
        summary: 'A model: spec, health, counts',
        tags: ['models'],
        params: modelParams,
        response: { 200: res.modelDetail },
      }),
    },
    async (request) => {
      const model = await requireModel(context, request.params.name);
      return {
        spec: model.spec,
        health: await modelHealth(context.store, model.spec.name),
        counts: await countPredictions(context.store.db, model.spec.name),
        references: await listReferences(context.store, model.spec.name),
      };
    },
  );

  app.delete<{ Params: { name: string } }>(
    '/api/v1/models/:name',
    {
      config: { scope: 'admin' },
      schema: routeSchema({
        summary: 'Delete a model and everything it owns (versions, aliases, runs, data)',
        tags: ['models'],
        params: modelParams,
        response: { 204: res.noContent },
      }),
    },
    async (request, reply) => {
      if (!(await context.catalog.delete(request.params.name, actorOf(request))))
        throw notFound(`model "${request.params.name}"`);
      reply.code(204);
    },
  );

  app.get<{ Params: { name: string } }>(
    '/api/v1/models/:name/windows',
    {
      config: { scope: 'read' },
      schema: routeSchema({
        summary: 'Windows with profiles and metrics',
        tags: ['monitoring'],
        params: modelParams,
        query: req.windowsQuery,
        response: { 200: res.windows },
      }),
    },
    async (request, reply) => {
      const model = await requireModel(context, request.params.name);
      const query = parseRequest(req.windowsQuery, request.query, 'query');
      const { from, to } = timeRange(query, context.clock.now());
      const count = intParam('count', query.count);
      const maxWindows = intParam('maxWindows', query.maxWindows);
      const size =
        durationParam('size', query.size) ??
        (maxWindows !== undefined && count === undefined
          ? await windowSizeForAtMost(context, model, { from, to }, maxWindows)
          : undefined);
      const windows =
        count !== undefined
          ? await countWindows(context.store, model.spec, { from, to, count })
          : await timeWindows(context.store, model.spec, {
              from,
              to,
              ...context.load.readAges,
              profiles: query.profile !== 'false',
              ...(size ? { size } : {}),
            });
      return reply.type('application/json').send(windowsJSON(windows));
    },
  );

  app.get<{ Params: { name: string } }>(
    '/api/v1/models/:name/metrics',
    {
      config: { scope: 'read' },
      schema: routeSchema({
        summary: 'Metric series over a time range',
        tags: ['monitoring'],
        params: modelParams,
        query: req.metricsQuery,
        response: { 200: res.windows },
      }),
    },
    async (request) => {
      const model = await requireModel(context, request.params.name);
      const query = parseRequest(req.metricsQuery, request.query, 'query');
      const windows = await timeWindows(context.store, model.spec, {
        ...(await windowRange(context, model, query)),
        ...context.load.readAges,
        profiles: false,
      });
      return windows.map(windowView);
    },
  );

  app.put<{ Params: { name: string; ref: string } }>(
    '/api/v1/models/:name/references/:ref',
    {
      config: { scope: 'admin' },
      bodyLimit: 256 * 1024 * 1024,
      schema: routeSchema({
        summary: 'Store a reference data set (e.g. training data) for drift checks',
        tags: ['monitoring'],
        params: modelParams.extend({ ref: z.string() }),
        body: req.referenceRows,
        response: { 200: res.referenceStored },
      }),
    },
    async (request) => {
      const model = await requireModel(context, request.params.name);
      return {
        name: request.params.ref,
        rows: await putReference(
          context.store,
          model.spec,
          request.params.ref,
          request.body,
          context.clock.now(),
        ),
      };
    },
  );

  app.get<{ Params: { name: string } }>(
    '/api/v1/models/:name/health',
    {
      config: { scope: 'read' },
      schema: routeSchema({
        summary: 'Model health from its latest checks',
        tags: ['monitoring'],
        params: modelParams,
        response: { 200: res.modelHealth },
      }),
    },
    async (request) => {
      const model = await requireModel(context, request.params.name);
      return modelHealth(context.store, model.spec.name);
    },
  );

  app.get<{ Params: { name: string } }>(
    '/api/v1/models/:name/checks',
    {
      config: { scope: 'read' },
      schema: routeSchema({
        summary: 'Check results, newest first',
        tags: ['monitoring'],
        params: modelParams,
        query: req.checksQuery,
        response: { 200: res.checkResults },
      }),
    },
    async (request) => {
      const model = await requireModel(context, request.params.name);
      const query = parseRequest(req.checksQuery, request.query, 'query');
      let q = context.store.db
        .selectFrom('check_results')
        .selectAll()
        .where('model', '=', model.spec.name)
        .orderBy('window_start', 'desc')
        .orderBy('id', 'desc')
        .limit(intParam('limit', query.limit) ?? 200);
      if (query.check) q = q.where('check_name', '=', query.check);
      const rows = await q.execute();
      return rows.map((r) => ({
        check: r.check_name,
        windowStart: new Date(Number(r.window_start)).toISOString(),
        windowEnd: new Date(Number(r.window_end)).toISOString(),
        status: r.status,
        value: r.value,
        message: r.message,
        detail: r.detail === null ? null : JSON.parse(r.detail),
      }));
    },
  );

  app.post(
    '/api/v1/checks/run',
    {
      config: { scope: 'admin' },
      schema: routeSchema({
        summary: 'Run all checks on closed windows now',
        tags: ['monitoring'],
        response: { 200: res.checksRun },
      }),
    },
    async () => {
      const summary = await context.checks.runOnce();
      return {
        results: summary.results.map((r) => ({ ...r, windowStart: new Date(r.windowStart).toISOString() })),
      };
    },
  );
}
