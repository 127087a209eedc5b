/**
 * Who may call the admin API: a bearer token (RFC 6750 §2.1) from the
 * `admin.tokens` option or the RTMP_ENGINE_ADMIN_TOKEN environment variable,
 * or, when no token is configured at all, any client on loopback. Behind a
 * reverse proxy on the same host every client looks like loopback: configure
 * a token there.
 *
 * Tokens are compared in constant time against every candidate, so a wrong
 * guess tells nothing about how close it was. The caller's label (never the
 * token itself) is what mutating calls are logged with.
 */
import { createHash, timingSafeEqual } from 'crypto';
import type { IncomingMessage } from 'http';

import { ErrorCodes, RtmpEngineError } from '../errors';
import { type AdminTokens, MIN_ADMIN_TOKEN_LENGTH } from '../options/admin';
import { AdminErrorCodes, AdminHttpError } from './json';

export const ADMIN_TOKEN_ENV = 'RTMP_ENGINE_ADMIN_TOKEN';

export interface LabelledToken {
  label: string;
  /** SHA-256 of the token: equal-length digests, so a comparison leaks no length either. */
  digest: Buffer;
}

function digestOf(token: string | Buffer): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Who made a request: a token's label, or the loopback address it came from. */
export interface AdminCaller {
  /** "token:<label>" or "loopback:<ip>". */
  who: string;
  ip: string;
}

/** The configured tokens (list entries labelled token-1…, the environment's "env"). */
export function labelTokens(tokens: AdminTokens | undefined, env: string | undefined): LabelledToken[] {
  const out: LabelledToken[] = [];
  if (Array.isArray(tokens)) {
    (tokens as readonly string[]).forEach((t, i) => out.push({ label: `token-${i + 1}`, digest: digestOf(t) }));
  } else if (tokens) {
    for (const [label, t] of Object.entries(tokens as Readonly<Record<string, string>>)) {
      out.push({ label, digest: digestOf(t) });
    }
  }
  if (env !== undefined && env !== '') {
    if (env.length < MIN_ADMIN_TOKEN_LENGTH || /\s/.test(env)) {
      throw new RtmpEngineError(
        ErrorCodes.INVALID_OPTIONS,
        `${ADMIN_TOKEN_ENV} must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters without spaces (got ${env.length})`,
      );
    }
    out.push({ label: 'env', digest: digestOf(env) });
  }
  return out;
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopback(ip: string | undefined): boolean {
  if (!ip) return false;
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return v4.startsWith('127.') || ip === '::1';
}

function matchToken(tokens: readonly LabelledToken[], given: Buffer): string | undefined {
  const digest = digestOf(given);
  let found: string | undefined;
  // Every token is compared, so the time does not tell which one matched.
  for (const t of tokens) {
    if (timingSafeEqual(t.digest, digest) && found === undefined) found = t.label;
  }
  return found;
}

/** The caller, or throws the 401/403 to answer with. */
export function authenticate(req: IncomingMessage, tokens: readonly LabelledToken[]): AdminCaller {
  const ip = req.socket.remoteAddress ?? '';
  if (tokens.length === 0) {
    if (isLoopback(ip)) return { who: `loopback:${ip}`, ip };
    throw new AdminHttpError(
      403,
      AdminErrorCodes.LOOPBACK_ONLY,
      'no admin token is configured, so the admin API answers loopback clients only (set admin.tokens or ' +
        `${ADMIN_TOKEN_ENV})`,
    );
  }
  const challenge = { 'WWW-Authenticate': 'Bearer realm="rtmp-engine"' };
  const header = req.headers.authorization;
  const m = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!m) {
    throw new AdminHttpError(401, AdminErrorCodes.TOKEN_REQUIRED, 'send "Authorization: Bearer <admin token>"', challenge);
  }
  const label = matchToken(tokens, Buffer.from(m[1] as string));
  if (label === undefined) {
    throw new AdminHttpError(401, AdminErrorCodes.TOKEN_INVALID, 'the bearer token is not an admin token', {
      'WWW-Authenticate': 'Bearer realm="rtmp-engine", error="invalid_token"',
    });
  }
  return { who: `token:${label}`, ip };
}
