import { idParams, requests as req, responses as res } from '@steward/api';
import type { FastifyInstance } from 'fastify';
import { acknowledgeAlert, listAlerts } from '../../monitor/alerts.js';
import { parseRequest, routeSchema } from '../api/route-schema.js';
import { notFound } from '../api-error.js';
import type { ApiContext } from '../context.js';
import {
  decodeTimeCursor,
  encodeTimeCursor,
  nextCursor,
  pageCursor,
  pageDescription,
  pageLimit,
} from '../page-params.js';
import { actorOf } from './registry-routes.js';

type AlertQuery = {
  model?: string;
  status?: string;
  severity?: string;
  check?: string;
  acknowledged?: string;
  limit?: string;
  cursor?: string;
};

export function alertRoutes(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Querystring: AlertQuery }>(
    '/api/v1/alerts',
    {
      config: { scope: 'read' },
      schema: routeSchema({
        summary: 'Alerts, most recent first; filter by model, status, severity, check, acknowledged',
        description: `Ordered by their latest firing. ${pageDescription('alerts', 100)}`,
        tags: ['monitoring'],
        query: req.alertQuery,
        response: { 200: res.alerts },
      }),
    },
    async (request, reply) => {
      const q = parseRequest(req.alertQuery, request.query, 'query');
      const limit = pageLimit(q.limit, 100);
      const after = pageCursor(q.cursor, decodeTimeCursor);
      const alerts = await listAlerts(context.store, {
        ...(q.model ? { model: q.model } : {}),
        ...(q.check ? { check: q.check } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.severity ? { severity: q.severity } : {}),
        ...(q.acknowledged ? { acknowledged: q.acknowledged === 'true' } : {}),
        limit,
        ...(after ? { after: { lastAt: after.time, id: after.id } } : {}),
      });
      return nextCursor(reply, alerts, limit, (a) => encodeTimeCursor(a.lastAt, a.id));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/alerts/:id/acknowledge',
    {
      config: { scope: 'admin' },
      schema: routeSchema({
        summary: 'Acknowledge an alert: it stays open until its check passes, but is not notified again',
        tags: ['monitoring'],
        params: idParams,
        response: { 200: res.alertView },
      }),
    },
    async (request) => {
      const alert = await acknowledgeAlert(context.store, request.params.id, actorOf(request));
      if (!alert) throw notFound(`alert "${request.params.id}"`);
      return alert;
    },
  );
}
