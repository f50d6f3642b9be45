import type { FastifyInstance } from 'fastify';
import { listRuns } from '../../update/update-run.js';
import { UPDATE_JOB } from '../../update/update-worker.js';
import { ApiError, notFound } from '../api-error.js';
import { type ApiContext, requireModel } from '../context.js';
import { actorOf } from './registry-routes.js';

export function updateRoutes(app: FastifyInstance, context: ApiContext): void {
  app.post<{ Params: { name: string } }>(
    '/api/v1/models/:name/updates',
    {
      config: { scope: 'admin' },
      schema: { summary: 'Start an update run now (queued; one per model at a time)', tags: ['updates'] },
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
      schema: { summary: 'Update runs with their steps, newest first', tags: ['updates'] },
    },
    async (request) => {
      const model = await requireModel(context, request.params.name);
      return listRuns(context.store, model.spec.name);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/jobs/:id',
    { config: { scope: 'read' }, schema: { summary: 'A job: status, attempts, error', tags: ['updates'] } },
    async (request) => {
      const job = await context.jobs.get(request.params.id);
      if (!job) throw notFound(`job "${request.params.id}"`);
      return job;
    },
  );
}
