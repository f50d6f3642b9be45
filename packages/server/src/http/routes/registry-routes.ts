import { aliasParams, modelParams, requests as req, responses as res, versionParams } from '@steward/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ModelCatalog } from '../../monitor/model-catalog.js';
import type { Registry } from '../../registry/registry.js';
import { ALIASES, type Alias, type Lineage } from '../../registry/version-records.js';
import { vocabularyFromEntries } from '../../registry/vocabulary.js';
import { parseRequest, routeSchema } from '../api/route-schema.js';
import { ApiError } from '../api-error.js';
import { nextCursor, pageCursor, pageDescription, pageLimit } from '../page-params.js';

/** A version or history cursor: the positive integer of the last item of the page before. */
function positiveInteger(text: string): number | undefined {
  const n = Number(text);
  return /^\d+$/.test(text) && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** A page of a list numbered newest first (versions, alias changes): `limit` items below `before`. */
function numberedPage(query: unknown, fallback: number): { limit: number; before?: number } {
  const q = parseRequest(req.pageQuery, query, 'query');
  const before = pageCursor(q.cursor, positiveInteger);
  return { limit: pageLimit(q.limit, fallback), ...(before !== undefined ? { before } : {}) };
}

function versionParam(text: string): number {
  const version = Number(text);
  if (!Number.isSafeInteger(version) || version < 1)
    throw new ApiError(400, 'bad_request', `version must be a positive integer, got "${text}"`, [
      { field: 'version', message: 'not a positive integer' },
    ]);
  return version;
}

function aliasParam(text: string): Alias {
  if (!(ALIASES as readonly string[]).includes(text))
    throw new ApiError(400, 'bad_request', `alias must be one of ${ALIASES.join(', ')}, got "${text}"`, [
      { field: 'alias', message: 'unknown alias' },
    ]);
  return text as Alias;
}

/** Who did it, for the audit trail: the token's name when tokens are in use. */
export function actorOf(request: FastifyRequest): string {
  return request.tokenName ?? `anonymous@${request.ip}`;
}

export function registryRoutes(
  app: FastifyInstance,
  registry: Registry,
  artifactLimit: number,
  catalog: ModelCatalog,
): void {
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: artifactLimit },
    (_request, body, done) => done(null, body),
  );

  app.post<{ Params: { name: string } }>(
    '/api/v1/models/:name/versions',
    {
      bodyLimit: artifactLimit,
      config: { scope: 'admin' },
      schema: routeSchema({
        summary: 'Upload a model version (body: the artifact bytes, application/octet-stream)',
        description:
          'A Steward model file (JSON) or an ONNX model. Lineage as JSON in the X-Steward-Lineage header.',
        tags: ['registry'],
        params: modelParams,
        query: req.uploadQuery,
        bodySchema: { type: 'string', format: 'binary', description: 'the artifact bytes' },
        response: { 201: res.modelVersion },
      }),
    },
    async (request, reply) => {
      if (!Buffer.isBuffer(request.body))
        throw new ApiError(415, 'unsupported_media_type', 'send the artifact as application/octet-stream');
      const query = parseRequest(req.uploadQuery, request.query, 'query');
      const format = query.format;
      let lineage: Lineage | undefined;
      const header = request.headers['x-steward-lineage'];
      if (typeof header === 'string') {
        try {
          lineage = JSON.parse(header) as Lineage;
        } catch {
          throw new ApiError(400, 'bad_request', 'the X-Steward-Lineage header must be a JSON object', [
            { field: 'lineage', message: 'not JSON' },
          ]);
        }
        if (typeof lineage !== 'object' || lineage === null || Array.isArray(lineage)) {
          throw new ApiError(400, 'bad_request', 'the X-Steward-Lineage header must be a JSON object', [
            { field: 'lineage', message: 'not an object' },
          ]);
        }
      }
      const version = await registry.register(request.params.name, request.body, {
        ...(format ? { format } : {}),
        ...(query.parent ? { parent: versionParam(query.parent) } : {}),
        ...(query.description ? { description: query.description } : {}),
        ...(lineage ? { lineage } : {}),
        actor: actorOf(request),
      });
      reply.code(201);
      return version;
    },
  );

  app.get<{ Params: { name: string } }>(
    '/api/v1/models/:name/versions',
    {
      config: { scope: 'read' },
      schema: routeSchema({
        summary: 'Versions, newest first',
        description: pageDescription('versions', 100),
        tags: ['registry'],
        params: modelParams,
        query: req.pageQuery,
        response: { 200: res.modelVersions },
      }),
    },
    async (request, reply) => {
      const page = numberedPage(request.query, 100);
      const versions = await registry.list(request.params.name, page);
      return nextCursor(reply, versions, page.limit, (v) => String(v.version));
    },
  );

  app.get<{ Params: { name: string; version: string } }>(
    '/api/v1/models/:name/versions/:version',
    {
      config: { scope: 'read' },
      schema: routeSchema({
        summary: 'A version: format, sha256, lineage, aliases',
        tags: ['registry'],
        params: versionParams,
        response: { 200: res.modelVersion },
      }),
    },
    async (request) => {
      const found = await registry.get(request.params.name, versionParam(request.params.version));
      if (!found)
        throw new ApiError(
          404,
          'not_found',
          `version ${request.params.version} of model "${request.params.name}" not found`,
        );
      return found;
    },
  );

  app.get<{ Params: { name: string; version: string } }>(
    '/api/v1/models/:name/versions/:version/artifact',
    {
      config: { scope: 'read' },
      schema: routeSchema({
        summary: 'Download the artifact bytes',
        tags: ['registry'],
        params: versionParams,
        response: { 200: res.artifactBytes },
      }),
    },
    async (request, reply) => {
      const { version, bytes } = await registry.artifact(
        request.params.name,
        versionParam(request.params.version),
      );
      reply.header(
        'content-type',
        version.format === 'onnx' ? 'application/octet-stream' : 'application/json',
      );
      reply.header('etag', `"${version.sha256}"`);
      reply.header('x-steward-sha256', version.sha256);
      return reply.send(bytes);
    },
  );

  app.post<{ Params: { name: string; version: string } }>(
    '/api/v1/models/:name/versions/:version/steps',
    {
      config: { scope: 'admin' },
      schema: routeSchema({
        summary: 'Log training-curve points [{ step, metric, value }]',
        tags: ['registry'],
        params: versionParams,
        body: req.trainingSteps,
        response: { 200: res.stepsStored },
      }),
    },
    async (request) => ({
      stored: await registry.logSteps(
        request.params.name,
        versionParam(request.params.version),
        parseRequest(req.trainingSteps, request.body, 'body'),
      ),
    }),
  );

  app.put<{ Params: { name: string; version: string } }>(
    '/api/v1/models/:name/versions/:version/vocabulary',
    {
      config: { scope: 'admin' },
      schema: routeSchema({
        summary: "Attach an uploaded version's training words (per text column), once",
        description:
          "Versions the update loop trains keep their words themselves; an uploaded one gets them here, so that each window counts the words its serving version never learnt (the profile's outOfVocabulary). 409 when the version has them already.",
        tags: ['registry'],
        params: versionParams,
        body: req.vocabularyBody,
        response: { 200: res.modelVersion },
      }),
    },
    async (request) => {
      const version = versionParam(request.params.version);
      const { columns } = parseRequest(req.vocabularyBody, request.body, 'body');
      const model = await catalog.get(request.params.name);
      const text = new Set(model?.spec.features.filter((f) => f.type === 'text').map((f) => f.name));
      for (const column of Object.keys(columns))
        if (model && !text.has(column))
          throw new ApiError(
            400,
            'bad_request',
            `"${column}" is not a text feature of model "${request.params.name}"${text.size > 0 ? ` (its text features: ${[...text].join(', ')})` : ' (it has none)'}`,
            [{ field: `columns.${column}`, message: 'not a text feature' }],
          );
      return registry.setVocabulary(
        request.params.name,
        version,
        vocabularyFromEntries(columns),
        actorOf(request),
      );
    },
  );

  app.get<{ Params: { name: string; version: string } }>(
    '/api/v1/models/:name/versions/:version/steps',
    {
      config: { scope: 'read' },
      schema: routeSchema({
        summary: 'Training curves: metric → [[step, value]]',
        tags: ['registry'],
        params: versionParams,
        response: { 200: res.curves },
      }),
    },
    (request) => registry.steps(request.params.name, versionParam(request.params.version)),
  );

  app.get<{ Params: { name: string } }>(
    '/api/v1/models/:name/aliases',
    {
      config: { scope: 'read' },
      schema: routeSchema({
        summary: 'Aliases now and their history',
        tags: ['registry'],
        params: modelParams,
        response: { 200: res.aliases },
      }),
    },
    (request) => registry.aliases(request.params.name),
  );

  app.get<{ Params: { name: string } }>(
    '/api/v1/models/:name/aliases/history',
    {
      config: { scope: 'read' },
      schema: routeSchema({
        summary: 'Alias changes, newest first',
        description: pageDescription('changes', 50),
        tags: ['registry'],
        params: modelParams,
        query: req.pageQuery,
        response: { 200: res.aliasHistory },
      }),
    },
    async (request, reply) => {
      const page = numberedPage(request.query, 50);
      const changes = await registry.aliasHistory(request.params.name, page);
      return nextCursor(reply, changes, page.limit, (c) => String(c.id));
    },
  );

  app.put<{ Params: { name: string; alias: string } }>(
    '/api/v1/models/:name/aliases/:alias',
    {
      config: { scope: 'admin' },
      schema: routeSchema({
        summary: 'Promote: point an alias at a version (atomic, audited)',
        tags: ['registry'],
        params: aliasParams,
        body: req.aliasChange,
        response: { 200: res.aliasChangeView },
      }),
    },
    async (request) => {
      const alias = aliasParam(request.params.alias);
      const { version, reason } = parseRequest(req.aliasChange, request.body, 'body');
      return registry.promote(request.params.name, version, alias, {
        actor: actorOf(request),
        ...(reason ? { reason } : {}),
      });
    },
  );

  app.post<{ Params: { name: string; alias: string } }>(
    '/api/v1/models/:name/aliases/:alias/rollback',
    {
      config: { scope: 'admin' },
      schema: routeSchema({
        summary: 'Roll an alias back to the version it had before its latest promotion',
        tags: ['registry'],
        params: aliasParams,
        body: req.rollbackBody,
        response: { 200: res.aliasChangeView },
      }),
    },
    async (request) => {
      const reason = parseRequest(req.rollbackBody, request.body, 'body')?.reason;
      return registry.rollback(request.params.name, aliasParam(request.params.alias), {
        actor: actorOf(request),
        ...(reason ? { reason } : {}),
      });
    },
  );

  app.get(
    '/api/v1/audit',
    {
      config: { scope: 'admin' },
      schema: routeSchema({
        summary: 'Audit events, newest first',
        tags: ['admin'],
        query: req.auditQuery,
        response: { 200: res.auditEvents },
      }),
    },
    (request) => registry.audit(parseRequest(req.auditQuery, request.query, 'query').model),
  );
}
