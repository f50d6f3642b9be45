import type { FastifyReply, FastifyRequest } from 'fastify';
import type { StoreConnection } from '../store/open-store.js';
import { type Scope, touchToken, verifyToken } from '../store/tokens.js';
import { ApiError } from './api-error.js';

export interface AuthOptions {
  /** Require a token on every /api request. The server turns this on whenever it listens beyond loopback. */
  required: boolean;
}

/** Whether a listen address only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The name of the token the request came with, for the audit trail. */
    tokenName?: string;
  }
  interface FastifyContextConfig {
    /** The scope a route needs; absent means public (health, metrics, OpenAPI). */
    scope?: Scope;
  }
}

const lastTouched = new Map<string, number>();

/** A Fastify onRequest hook: 401 without a valid token, 403 without the route's scope (admin holds every scope). */
export function authHook(store: StoreConnection, options: AuthOptions) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const scope = request.routeOptions.config.scope;
    if (scope === undefined || !options.required) return;
    const header = request.headers.authorization;
    if (!header)
      throw new ApiError(
        401,
        'unauthorized',
        'this server requires an API token: send "Authorization: Bearer <token>" (create one with `steward token create`)',
      );
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new ApiError(401, 'unauthorized', 'the Authorization header must be "Bearer <token>"');
    const token = await verifyToken(store, match[1] as string);
    if (!token) throw new ApiError(401, 'unauthorized', 'unknown or revoked API token');
    if (!token.scopes.includes(scope) && !token.scopes.includes('admin')) {
      throw new ApiError(
        403,
        'forbidden',
        `token "${token.name}" lacks the "${scope}" scope this request needs (it has: ${token.scopes.join(', ')})`,
      );
    }
    request.tokenName = token.name;
    const now = Date.now();
    if (now - (lastTouched.get(token.id) ?? 0) > 60_000) {
      lastTouched.set(token.id, now);
      await touchToken(store, token.id, now);
    }
  };
}
