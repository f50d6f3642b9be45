import type { FastifyInstance } from 'fastify';
import { createToken, listTokens, parseScopes, revokeToken } from '../../store/tokens.js';
import { ApiError, notFound } from '../api-error.js';
import type { ApiContext } from '../context.js';

export function tokenRoutes(app: FastifyInstance, context: ApiContext): void {
  app.post<{ Body: { name?: unknown; scopes?: unknown } }>(
    '/api/v1/tokens',
    {
      config: { scope: 'admin' },
      schema: { summary: 'Create an API token (the secret is shown once)', tags: ['admin'] },
    },
    async (request, reply) => {
      const { name, scopes } = request.body ?? {};
      if (typeof name !== 'string' || name.length === 0)
        throw new ApiError(400, 'invalid_token', 'name is required', [
          { field: 'name', message: 'required' },
        ]);
      let parsed: ReturnType<typeof parseScopes>;
      try {
        parsed = parseScopes(Array.isArray(scopes) ? scopes.map(String) : String(scopes ?? ''));
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
      schema: { summary: 'List API tokens (never their secrets)', tags: ['admin'] },
    },
    () => listTokens(context.store),
  );
  app.delete<{ Params: { id: string } }>(
    '/api/v1/tokens/:id',
    { config: { scope: 'admin' }, schema: { summary: 'Revoke an API token', tags: ['admin'] } },
    async (request, reply) => {
      if (!(await revokeToken(context.store, request.params.id)))
        throw notFound(`active token "${request.params.id}"`);
      reply.code(204);
    },
  );
}
