import { idParams, modelParams, requests as req, responses as res, runParams } from '@steward/api';
import type { FastifyInstance } from 'fastify';
import { evaluateRollouts, listRollouts, startRollout } from '../../update/rollouts.js';
import { getRun, listRuns } from '../../update/run-record.js';
import { UPDATE_JOB } from '../../update/update-worker.js';
import { parseRequest, routeSchema } from '../api/route-schema.js';
import { ApiError, notFound } from '../api-error.js';
import { type ApiContext, requireModel } from '../context.js';
import {
  decodeTimeCursor,
  encodeTimeCursor,
  nextCursor,
  pageCursor,
  pageDescription,
  pageLimit,
} from '../page-params.js';
import { actorOf } from './registry-routes.js';

export function updateRoutes(app: FastifyInstance, context: ApiContext): void {
  app.post<{ Params: { name: string } }>(
    '/api/v1/models/:name/updates',
    {
      config: { scope: 'admin' },
      schema: routeSchema({
        summary: 'Start an update run now (queued; one per model at a time)',
        tags: ['updates'],
        params: modelParams,
        response: { 200: res.updateQueued, 202: res.updateQueued },
      }),
    },
    async (request, reply) => {
      const model = await requireModel(context, request.params.name);
      if (!model.spec.update)
        throw new ApiError(
          409,
          'no_policy',
          `model "${model.spec.name}" has no update policy: add "update:" to its spec`,
        );
      const { job, created } = await context.jobs.enqueue(UPDATE_JOB, model.spec.name, {
        trigger: { kind: 'manual', actor: actorOf(request) },
      });
      reply.code(created ? 202 : 200);
      return { job: job.id, created };
    },
  );

  app.get<{ Params: { name: string } }>(
    '/api/v1/models/:name/updates',
    {
      config: { scope: 'read' },
      schema: routeSchema({
        summary: 'Update runs with their steps, newest first',
        description: pageDescription('runs', 50),
        tags: ['updates'],
        params: modelParams,
        query: req.updatesQuery,
        response: { 200: res.updateRuns },
      }),
    },
    async (request, reply) => {
      const model = await requireModel(context, request.params.name);
      const query = parseRequest(req.updatesQuery, request.query, 'query');
      const limit = pageLimit(query.limit, 50);
      const after = pageCursor(query.cursor, decodeTimeCursor);
      const runs = await listRuns(
        context.store,
        model.spec.name,
        limit,
        after ? { startedAt: after.time, id: after.id } : undefined,
      );
      return nextCursor(reply, runs, limit, (r) => encodeTimeCursor(r.startedAt, r.id));
    },
  );

  app.get<{ Params: { name: string; id: string } }>(
    '/api/v1/models/:name/updates/:id',
    {
      config: { scope: 'read' },
      schema: routeSchema({
        summary: 'One update run with its steps',
        tags: ['updates'],
        params: runParams,
        response: { 200: res.updateRun },
      }),
    },
    async (request) => {
      const model = await requireModel(context, request.params.name);
      const run = await getRun(context.store, model.spec.name, request.params.id);
      if (!run) throw notFound(`update run "${request.params.id}" of model "${model.spec.name}"`);
      return run;
    },
  );

  app.post<{ Params: { name: string } }>(
    '/api/v1/models/:name/rollouts',
    {
      config: { scope: 'admin' },
      schema: routeSchema({
        summary: 'Start a shadow or canary rollout of a version',
        tags: ['updates'],
        params: modelParams,
        body: req.rolloutStart,
        response: { 201: res.rollout },
      }),
    },
    async (request, reply) => {
      const model = await requireModel(context, request.params.name);
      const { version, mode, share, minLabelled, tolerance } = parseRequest(
        req.rolloutStart,
        request.body,
        'body',
      );
      await context.registry.get(model.spec.name, version).then((found) => {
        if (!found)
          throw new ApiError(404, 'not_found', `version ${version} of model "${model.spec.name}" not found`);
      });
      try {
        const rollout = await startRollout(context, model.spec.name, version, {
          mode,
          ...(share !== undefined ? { share } : {}),
          ...(minLabelled !== undefined ? { minLabelled } : {}),
          ...(tolerance !== undefined ? { tolerance } : {}),
          actor: actorOf(request),
        });
        reply.code(201);
        return rollout;
      } catch (error) {
        throw new ApiError(409, 'conflict', (error as Error).message);
      }
    },
  );

  app.get<{ Params: { name: string } }>(
    '/api/v1/models/:name/rollouts',
    {
      config: { scope: 'read' },
      schema: routeSchema({
        summary: 'Rollouts, newest first',
        tags: ['updates'],
        params: modelParams,
        response: { 200: res.rollouts },
      }),
    },
    async (request) => {
      const model = await requireModel(context, request.params.name);
      return listRollouts(context.store, model.spec.name);
    },
  );

  app.post(
    '/api/v1/rollouts/evaluate',
    {
      config: { scope: 'admin' },
      schema: routeSchema({
        summary: 'Decide running rollouts that have enough labelled evidence, now',
        tags: ['updates'],
        response: { 200: res.rolloutsDecided },
      }),
    },
    async () => ({ decided: await evaluateRollouts(context) }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/jobs/:id',
    {
      config: { scope: 'read' },
      schema: routeSchema({
        summary: 'A job: status, attempts, error',
        tags: ['updates'],
        params: idParams,
        response: { 200: res.job },
      }),
    },
    async (request) => {
      const job = await context.jobs.get(request.params.id);
      if (!job) throw notFound(`job "${request.params.id}"`);
      return job;
    },
  );
}
