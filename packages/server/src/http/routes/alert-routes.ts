import type { FastifyInstance } from 'fastify';
import { acknowledgeAlert, listAlerts } from '../../monitor/alerts.js';
import { ApiError, notFound } from '../api-error.js';
import type { ApiContext } from '../context.js';
import { intParam } from '../time-param.js';
import { actorOf } from './registry-routes.js';

type AlertQuery = {
  model?: string;
  status?: string;
  severity?: string;
  check?: string;
  acknowledged?: string;
  limit?: string;
};

function oneOf<T extends string>(
  field: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined || value === '') return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new ApiError(400, 'bad_query', `${field} must be ${allowed.join(' or ')}`, [
      { field, message: `not ${allowed.join(' or ')}` },
    ]);
  return value as T;
}

export function alertRoutes(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Querystring: AlertQuery }>(
    '/api/v1/alerts',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Alerts, most recent first; filter by model, status, severity, check, acknowledged',
        tags: ['monitoring'],
      },
    },
    async (request) => {
      const q = request.query;
      const status = oneOf('status', q.status, ['open', 'resolved'] as const);
      const severity = oneOf('severity', q.severity, ['info', 'warning', 'critical'] as const);
      const acknowledged = oneOf('acknowledged', q.acknowledged, ['true', 'false'] as const);
      return listAlerts(context.store, {
        ...(q.model ? { model: q.model } : {}),
        ...(q.check ? { check: q.check } : {}),
        ...(status ? { status } : {}),
        ...(severity ? { severity } : {}),
        ...(acknowledged ? { acknowledged: acknowledged === 'true' } : {}),
        limit: intParam('limit', q.limit) ?? 100,
      });
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/alerts/:id/acknowledge',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Acknowledge an alert: it stays open until its check passes, but is not notified again',
        tags: ['monitoring'],
      },
    },
    async (request) => {
      const alert = await acknowledgeAlert(context.store, request.params.id, actorOf(request));
      if (!alert) throw notFound(`alert "${request.params.id}"`);
      return alert;
    },
  );
}
