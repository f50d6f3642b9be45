import { modelParams, requests as req, responses as res } from '@steward/api';
import type { FastifyInstance } from 'fastify';
import { estimatedWindows } from '../../monitor/estimated-windows.js';
import { parseRequest, routeSchema } from '../api/route-schema.js';
import { type ApiContext, requireModel } from '../context.js';
import { windowRange } from '../window-size.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function estimationRoutes(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Params: { name: string } }>(
    '/api/v1/models/:name/estimated',
    {
      config: { scope: 'read' },
      schema: routeSchema({
        summary: 'Performance estimated without labels per window (CBPE for classifiers, DLE for regressors)',
        tags: ['monitoring'],
        params: modelParams,
        query: req.metricsQuery,
        response: { 200: res.estimatedWindows },
      }),
    },
    async (request) => {
      const model = await requireModel(context, request.params.name);
      const query = parseRequest(req.metricsQuery, request.query, 'query');
      const { method, calibration, threshold, windows } = await estimatedWindows(
        context.store,
        model.spec,
        { ...(await windowRange(context, model, query)), ...context.load.readAges },
        context.clock.now(),
      );
      return {
        method,
        calibration: { ...calibration, from: iso(calibration.from), to: iso(calibration.to) },
        threshold,
        windows: windows.map((w) => ({ ...w, start: iso(w.start), end: iso(w.end) })),
      };
    },
  );
}
