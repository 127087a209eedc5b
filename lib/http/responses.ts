/**
 * Writing HTTP answers the way a CDN and a browser expect them: one place for
 * the body rules (HEAD, ETag/If-None-Match, byte ranges) and the JSON error
 * shape `{ error: { code, message } }`. Knows nothing of HLS.
 */
import { createHash } from 'crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'http';

/** A body: text, one buffer, or buffers sent back to back (a segment made of its parts). */
export type Body = string | Buffer | readonly Buffer[];

export interface BodyOptions {
  contentType: string;
  cacheControl: string;
  /** Answer Range requests (206/416). Segments and parts: yes; playlists: no. */
  ranges?: boolean;
  /** Extra headers (CORS, Retry-After…). */
  headers?: OutgoingHttpHeaders;
  /** Precomputed strong ETag (quoted); computed from the bytes otherwise. */
  etag?: string;
}

/** Stable codes in JSON error bodies. */
export const HttpErrorCodes = {
  NOT_FOUND: 'not_found',
  NOT_READY: 'not_ready',
  GONE: 'gone',
  BAD_REQUEST: 'bad_request',
  FORBIDDEN: 'forbidden',
  METHOD_NOT_ALLOWED: 'method_not_allowed',
  RANGE_NOT_SATISFIABLE: 'range_not_satisfiable',
  UNAVAILABLE: 'unavailable',
  INTERNAL: 'internal',
} as const;

const bufferTags = new WeakMap<Buffer, string>();

/** Hash of one buffer, computed once per buffer (media buffers are immutable). */
function bufferTag(b: Buffer): string {
  let tag = bufferTags.get(b);
  if (tag === undefined) {
    tag = createHash('sha1').update(b).digest('base64url').slice(0, 16);
    bufferTags.set(b, tag);
  }
  return tag;
}

/** A strong ETag for a body: same bytes → same tag, on every server process. */
export function etagOf(body: Body): string {
  if (typeof body === 'string') return `"${createHash('sha1').update(body).digest('base64url').slice(0, 16)}"`;
  if (Buffer.isBuffer(body)) return `"${bufferTag(body)}"`;
  const list = body as readonly Buffer[];
  if (list.length === 1) return `"${bufferTag(list[0] as Buffer)}"`;
  const h = createHash('sha1');
  for (const b of list) h.update(bufferTag(b));
  return `"${h.digest('base64url').slice(0, 16)}"`;
}

/** RFC 9110 §13.1.2: If-None-Match with weak comparison (a `W/` prefix is ignored). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === bare);
}

export type RangeResult = { start: number; end: number } | 'none' | 'unsatisfiable';

/**
 * One byte range (RFC 9110 §14.1.2): `bytes=a-b`, `bytes=a-`, `bytes=-n`.
 * Several ranges (multipart answers) are not offered: the whole body is sent
 * ('none'), which the RFC allows. A malformed header is ignored likewise.
 */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (!header) return 'none';
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return 'none';
  const [, a, b] = m as unknown as [string, string, string];
  if (a === '' && b === '') return 'none';
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(a);
  if (start >= size) return 'unsatisfiable';
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (end < start) return 'none';
  return { start, end };
}

/** Bytes in a body (UTF-8 for text), without concatenating buffers. */
export function byteLength(body: Body): number {
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (Buffer.isBuffer(body)) return body.length;
  let n = 0;
  for (const b of body as readonly Buffer[]) n += b.length;
  return n;
}

/**
 * Bytes [start, end) of a body as views of its buffers (no copy; a buffer
 * wholly inside the range is returned itself), for a Range request
 * (RFC 9110 §14). `end` is exclusive and clamped to the length.
 */
export function sliceBytes(body: Body, start: number, end: number): Buffer[] {
  const list = typeof body === 'string' ? [Buffer.from(body)] : Buffer.isBuffer(body) ? [body] : body;
  const out: Buffer[] = [];
  let offset = 0;
  for (const b of list) {
    if (offset >= end) break;
    const from = Math.max(start - offset, 0);
    const to = Math.min(end - offset, b.length);
    if (from < to) out.push(from === 0 && to === b.length ? b : b.subarray(from, to));
    offset += b.length;
  }
  return out;
}

function writeBuffers(res: ServerResponse, buffers: readonly Buffer[]): void {
  for (const b of buffers) res.write(b);
  res.end();
}

/**
 * Sends a body with Content-Type, Content-Length, Cache-Control and ETag;
 * answers 304 to a matching If-None-Match, HEAD without the body, and (with
 * `ranges`) one byte range as 206 or 416.
 */
export function sendBody(req: IncomingMessage, res: ServerResponse, body: Body, options: BodyOptions): void {
  const etag = options.etag ?? etagOf(body);
  const size = byteLength(body);
  const headers: OutgoingHttpHeaders = {
    ...options.headers,
    'Content-Type': options.contentType,
    'Cache-Control': options.cacheControl,
    ETag: etag,
  };
  if (options.ranges) headers['Accept-Ranges'] = 'bytes';
  if (etagMatches(req.headers['if-none-match'], etag)) {
    res.writeHead(304, { ...options.headers, 'Cache-Control': options.cacheControl, ETag: etag });
    res.end();
    return;
  }
  const head = req.method === 'HEAD';
  const range = options.ranges && !ifRangeFails(req, etag) ? parseRange(req.headers.range, size) : 'none';
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}`, 'Content-Length': 0 });
    res.end();
    return;
  }
  if (range !== 'none') {
    const length = range.end - range.start + 1;
    res.writeHead(206, { ...headers, 'Content-Range': `bytes ${range.start}-${range.end}/${size}`, 'Content-Length': length });
    if (head) res.end();
    else writeBuffers(res, sliceBytes(body, range.start, range.end + 1));
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': size });
  if (head) res.end();
  else if (typeof body === 'string') res.end(body);
  else writeBuffers(res, Buffer.isBuffer(body) ? [body] : (body as readonly Buffer[]));
}

/** If-Range with a different ETag means "send it all" (RFC 9110 §13.1.5). */
function ifRangeFails(req: IncomingMessage, etag: string): boolean {
  const ifRange = req.headers['if-range'];
  return typeof ifRange === 'string' && ifRange.trim() !== etag;
}

/** `{ error: { code, message } }`, never cached. */
export function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: OutgoingHttpHeaders = {},
): void {
  const text = `${JSON.stringify({ error: { code, message } })}\n`;
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}
