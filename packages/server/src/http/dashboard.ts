import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The built dashboard (`@steward/web`'s dist), or undefined when it has not been built. */
export function dashboardDir(): string | undefined {
  try {
    const dir = join(dirname(createRequire(import.meta.url).resolve('@steward/web/package.json')), 'dist');
    return existsSync(join(dir, 'index.html')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Serves the dashboard at `/`; without a build, `/` says how to make one. */
export async function dashboardRoutes(app: FastifyInstance): Promise<void> {
  const dir = dashboardDir();
  if (!dir) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type('text/plain')
        .send(
          'The dashboard is not built: run `npm run build` in the Steward checkout. The API is at /api/v1 (OpenAPI: /api/v1/openapi.json).\n',
        ),
    );
    return;
  }
  await app.register(fastifyStatic, { root: dir, prefix: '/', index: ['index.html'], wildcard: false });
}
