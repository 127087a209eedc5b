/**
 * Who may read /metrics: the admin API's rule and code (lib/admin/admin-auth.ts),
 * with the metrics option's own tokens, so the two cannot drift apart.
 *
 * - With bearer tokens configured (options, or RTMP_ENGINE_ADMIN_TOKEN), a
 *   request must carry `Authorization: Bearer <one of them>`, from any address.
 * - With none, only loopback clients are answered: a server reachable from
 *   the network never shows its streams and sessions to strangers by default.
 *
 * The address is the socket's: behind a reverse proxy on the same host every
 * request is loopback (X-Forwarded-For is not trusted), so such a setup needs
 * a token.
 *
 * Tokens are compared in constant time (see admin-auth.ts).
 */
import type { IncomingMessage, ServerResponse } from 'http';

import { ADMIN_TOKEN_ENV, authenticate, isLoopback, labelTokens } from '../admin/admin-auth';
import { AdminHttpError } from '../admin/json';
import { sendError } from '../http/responses';

export { ADMIN_TOKEN_ENV };

/** The same check as the admin API's (lib/admin/admin-auth.ts). */
export const isLoopbackAddress = isLoopback;

export type AccessVerdict =
  | { allowed: true }
  | { allowed: false; status: number; code: string; message: string; headers: Record<string, string> };

/** The configured tokens plus RTMP_ENGINE_ADMIN_TOKEN when set. */
export function operatorTokens(configured: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const fromEnv = env[ADMIN_TOKEN_ENV];
  return fromEnv ? [...configured, fromEnv] : [...configured];
}

/**
 * The admin API's rule for another operator endpoint: with no token only
 * loopback clients (403 otherwise); with tokens a bearer token from every
 * address (401 otherwise). Same codes and constant-time comparison.
 */
export function createOperatorAccess(tokens: readonly string[]): (req: IncomingMessage) => AccessVerdict {
  const labelled = labelTokens(tokens, undefined);
  return (req) => {
    try {
      authenticate(req, labelled);
      return { allowed: true };
    } catch (err) {
      if (!(err instanceof AdminHttpError)) throw err;
      return { allowed: false, status: err.status, code: err.code, message: err.message, headers: err.headers as Record<string, string> };
    }
  };
}

export function sendAccessDenied(
  req: IncomingMessage,
  res: ServerResponse,
  verdict: Extract<AccessVerdict, { allowed: false }>,
): void {
  sendError(req, res, verdict.status, verdict.code, verdict.message, verdict.headers);
}
