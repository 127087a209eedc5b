/**
 * CORS for media (Fetch standard, "CORS protocol"): players on another
 * origin (hls.js, dash.js) fetch playlists and segments with XHR/fetch, and
 * send a preflight when they add headers (CMCD, Range on some browsers).
 */
import type { IncomingMessage, OutgoingHttpHeaders } from 'http';

/** `'*'` (the default: public media) or the exact origins allowed. */
export type CorsOrigins = '*' | readonly string[];

const ALLOWED_METHODS = 'GET, HEAD, OPTIONS';
/** Headers players send: Range, conditional requests, CMCD (CTA-5004 §3.3 header mode). */
const ALLOWED_HEADERS = 'Range, If-None-Match, If-Range, CMCD-Request, CMCD-Object, CMCD-Status, CMCD-Session';
/** Headers the player may read from the answer. */
const EXPOSED_HEADERS = 'Content-Length, Content-Range, ETag, Age, Date';
/** Browsers cap this (Chromium at 2 h); one day asks for the cap. */
const PREFLIGHT_MAX_AGE_S = 86_400;

/** The CORS headers of every answer when any origin may read it (`origins: '*'`). */
export const ANY_ORIGIN_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': EXPOSED_HEADERS,
});

/** The CORS headers for an answer to `req` (none for a disallowed or absent Origin). */
export function corsHeaders(req: IncomingMessage, origins: CorsOrigins): OutgoingHttpHeaders {
  if (origins === '*') return { ...ANY_ORIGIN_HEADERS };
  const origin = req.headers.origin;
  // The answer depends on Origin, so a shared cache must key on it.
  const vary = { Vary: 'Origin' };
  if (!origin || !origins.includes(origin)) return vary;
  return { ...vary, 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': EXPOSED_HEADERS };
}

/** Headers for a preflight (OPTIONS) answer, sent with 204. */
export function preflightHeaders(req: IncomingMessage, origins: CorsOrigins): OutgoingHttpHeaders {
  const base = corsHeaders(req, origins);
  if (!base['Access-Control-Allow-Origin']) return base;
  return {
    ...base,
    'Access-Control-Allow-Methods': ALLOWED_METHODS,
    'Access-Control-Allow-Headers': ALLOWED_HEADERS,
    'Access-Control-Max-Age': PREFLIGHT_MAX_AGE_S,
  };
}
