import { idParams, requests as req, responses as res } from '@steward/api';
import type { FastifyInstance } from 'fastify';
import { createToken, listTokens, parseScopes, revokeToken } from '../../store/tokens.js';
import { parseRequest, routeSchema } from '../api/route-schema.js';
import { ApiError, notFound } from '../api-error.js';
import type { ApiContext } from '../context.js';

export function tokenRoutes(app: FastifyInstance, context: ApiContext): void {
  app.post(
    '/api/v1/tokens',
    {
      config: { scope: 'admin' },
      schema: routeSchema({
        summary: 'Create an API token (the secret is shown once)',
        tags: ['admin'],
        body: req.tokenCreate,
        response: { 201: res.tokenCreated },
      }),
    },
    async (request, reply) => {
      const { name, scopes } = parseRequest(req.tokenCreate, request.body, 'body');
      let parsed: ReturnType<typeof parseScopes>;
      try {
        parsed = parseScopes(Array.isArray(scopes) ? scopes : (scopes ?? ''));
      } catch (error) {
        throw new ApiError(400, 'invalid_token', (error as Error).message, [
          { field: 'scopes', message: (error as Error).message },
        ]);
      }
      const created = await createToken(context.store, name, parsed);
      reply.code(201);
      return { token: created.token, ...created.info };
    },
  );
  app.get(
    '/api/v1/tokens',
    {
      config: { scope: 'admin' },
      schema: routeSchema({
        summary: 'List API tokens (never their secrets)',
        tags: ['admin'],
        response: { 200: res.tokens },
      }),
    },
    () => listTokens(context.store),
  );
  app.delete<{ Params: { id: string } }>(
    '/api/v1/tokens/:id',
    {
      config: { scope: 'admin' },
      schema: routeSchema({
        summary: 'Revoke an API token',
        tags: ['admin'],
        params: idParams,
        response: { 204: res.noContent },
      }),
    },
    async (request, reply) => {
      if (!(await revokeToken(context.store, request.params.id)))
        throw notFound(`active token "${request.params.id}"`);
      reply.code(204);
    },
  );
}
