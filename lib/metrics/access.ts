/**
 * Who may read operator endpoints (/metrics now, the admin API later): the
 * same rule for both, kept here so they cannot drift apart.
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
 * Tokens are compared in constant time (timingSafeEqual over SHA-256 digests,
 * so their lengths do not leak either).
 */
import { createHash, timingSafeEqual } from 'crypto';
import type { IncomingMessage, ServerResponse } from 'http';

import { sendError } from '../http/responses';

/** The environment variable that adds one bearer token to the configured ones. */
export const ADMIN_TOKEN_ENV = 'RTMP_ENGINE_ADMIN_TOKEN';

/** Stable `code` values of the JSON errors below. */
export const AccessErrorCodes = {
  UNAUTHORIZED: 'unauthorized',
  FORBIDDEN: 'forbidden',
} as const;

export type AccessVerdict =
  | { allowed: true }
  | { allowed: false; status: 401 | 403; code: string; message: string };

/** The configured tokens plus RTMP_ENGINE_ADMIN_TOKEN when set (read when called). */
export function operatorTokens(configured: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const fromEnv = env[ADMIN_TOKEN_ENV];
  return fromEnv ? [...configured, fromEnv] : [...configured];
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Builds the check once per endpoint (tokens hashed once). The verdict says
 * what to answer; sendAccessDenied writes it.
 */
export function createOperatorAccess(tokens: readonly string[]): (req: IncomingMessage) => AccessVerdict {
  const digests = tokens.map(digest);
  return (req) => {
    if (digests.length === 0) {
      if (isLoopbackAddress(req.socket.remoteAddress)) return { allowed: true };
      return {
        allowed: false,
        status: 403,
        code: AccessErrorCodes.FORBIDDEN,
        message: `only loopback clients are answered when no token is configured (set ${ADMIN_TOKEN_ENV})`,
      };
    }
    const header = req.headers.authorization ?? '';
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (m?.[1]) {
      const given = digest(m[1]);
      // Every token is compared, so the time does not tell which one matched.
      let ok = false;
      for (const d of digests) ok = timingSafeEqual(d, given) || ok;
      if (ok) return { allowed: true };
    }
    return {
      allowed: false,
      status: 401,
      code: AccessErrorCodes.UNAUTHORIZED,
      message: header ? 'the bearer token is not valid' : 'an Authorization: Bearer <token> header is required',
    };
  };
}

/** Writes a refusal as JSON (401 also names the scheme, RFC 6750 §3). */
export function sendAccessDenied(
  req: IncomingMessage,
  res: ServerResponse,
  verdict: Extract<AccessVerdict, { allowed: false }>,
): void {
  const headers = verdict.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="rtmp-engine"' } : {};
  sendError(req, res, verdict.status, verdict.code, verdict.message, headers);
}
