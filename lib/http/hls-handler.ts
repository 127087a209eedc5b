/**
 * createHlsHandler(): HLS, LL-HLS and DASH as one plain `(req, res)` handler.
 * The built-in server uses it; Express/Fastify/Koa users mount it (it resolves
 * false for a request that is not its own, so the framework calls next()).
 *
 * What it answers, under `/<app>/<name>/` (layout in ./hls-routes.ts):
 *  - playlists and the MPD, written from the store's view of the stream;
 *    `_HLS_msn`/`_HLS_part` block until that part exists (RFC 8216bis
 *    §6.2.5.2), `_HLS_skip=YES|v2` asks for a delta update (§6.2.5.1);
 *  - init segments, segments and parts, immutable once they exist; a part
 *    named by EXT-X-PRELOAD-HINT that does not exist yet is held until it
 *    does, then sent whole (§6.2.6: no byte of a part before all of it);
 *    a GET of the segment being built (low-latency DASH) is answered at once
 *    and written part by part until the segment completes;
 *  - the server time at `/time` (DASH UTCTiming, urn:mpeg:dash:utc:http-iso:2014).
 *
 * Status codes: 404 JSON for a stream the store does not know, 503 +
 * Retry-After before its first part, 410 for a segment that slid out of the
 * window, 400 for a blocking request too far ahead, 503 when a blocking
 * request waited three target durations (§6.2.5.2), 403 with the reason when
 * the authorizer says no.
 *
 * Authorization: once per viewer session, on the master playlist (or the
 * MPD), through the same hook as RTMP (action 'play', protocol 'hls'|'dash').
 * Media playlists carry the session id (and the viewer's own query, e.g. a
 * token); segments and parts carry nothing, so caches share them.
 */
import { createHash } from 'crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'http';

import type { Authorizer, AuthProtocol } from '../auth/types';
import { ANY_ORIGIN_HEADERS, corsHeaders, type CorsOrigins, preflightHeaders } from './cors';
import type { HlsTrackKind } from './hls/feed';
import { playlistTracks } from './hls/names';
import type { HlsStore } from './hls/store';
import type { HlsLookup, HlsStreamView } from './hls/view';
import { defaultRenderers } from './hls-renderers';
import { PlaylistCache } from './playlist-cache';
import { type ByteRoute, contentTypeOf, describe, etagOfRoute, lookupOf } from './hls-resources';
import { type HlsTarget, parseHlsPath } from './hls-routes';
import { MediaHeaders, PlaylistBodies } from './media-headers';
import { byteLength, HttpErrorCodes, sendBody, sendError, sliceBytes } from './responses';
import {
  decideViewer,
  encodeQuery,
  toViewerRequest,
  type ViewerAuthOptions,
  viewerQuery,
} from './viewer-auth';
import {
  mintSessionId,
  requestSessionId,
  SESSION_PARAM,
  type ViewerSession,
  type ViewerSessionOptions,
  ViewerSessions,
} from './viewer-sessions';

/** What the handler needs of the store (lib/http/hls/store.ts implements it). */
export type HlsStoreLike = Pick<HlsStore, 'get' | 'waitFor'>;

/** The playlist and MPD writers (pure functions of a view). */
export interface HlsRenderers {
  master(view: HlsStreamView, options: { query?: string }): string;
  media(view: HlsStreamView, track: HlsTrackKind, options: { skip?: boolean; query?: string }): string;
  /** DASH; undefined when the stream has no MPD (TS format). Without it index.mpd is 404. */
  mpd?(view: HlsStreamView, options: { query?: string; now: number }): string | undefined;
}

export interface HlsHandlerOptions {
  store: HlsStoreLike;
  /** The same hook as RTMP's server.authorize(); none: everyone may watch. */
  authorize?: Authorizer;
  /** Deadline and failure policy for `authorize` (the server passes its `auth` options). */
  auth?: ViewerAuthOptions;
  /** Allowed origins for media and playlists. Default '*'. */
  cors?: { origins?: CorsOrigins };
  /** Longest hold of a blocking playlist or preload-hint request. Default: 3 × target duration. */
  blockingTimeoutMs?: number;
  /** Viewer session bookkeeping (idle time, bound). */
  sessions?: ViewerSessionOptions;
  /** Path of the server-time endpoint (DASH UTCTiming); false for none. Default '/time'. */
  timePath?: string | false;
  /** The playlist/MPD writers. Default: lib/http/hls/* and lib/http/dash/*. */
  render?: HlsRenderers;
  now?: () => number;
}

export interface HlsHandler {
  /** Resolves true when it answered the request, false when the request is not its own. */
  (req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Viewer sessions of a stream ("app/name") active within the idle time. */
  viewers(stream: string): number;
  /** Viewer counts of every watched stream. */
  viewerCounts(): Map<string, number>;
  /** Live viewer sessions (the admin API lists them). */
  viewerSessions(): readonly Readonly<ViewerSession>[];
  /** Ends a viewer session: its next playlist or MPD request gets 403. False if unknown. */
  kickViewer(id: string): boolean;
  /** Answers new requests with 503 and forgets sessions (the store answers requests still waiting). */
  close(): void;
}

const M3U8 = 'application/vnd.apple.mpegurl';
const MPD = 'application/dash+xml';
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Playlists change every part: a cache must revalidate (cheap with the ETag). */
const REVALIDATE = 'no-cache';
/** The master and the MPD name the viewer's session: never shared by caches. */
const PER_VIEWER = 'private, no-cache';
const RETRY_BEFORE_FIRST_PART_S = 1;


export function createHlsHandler(options: HlsHandlerOptions): HlsHandler {
  const { store } = options;
  const render = options.render ?? defaultRenderers;
  const origins = options.cors?.origins ?? '*';
  const now = options.now ?? Date.now;
  const sessions = new ViewerSessions({ now, ...options.sessions });
  const timePath = options.timePath === undefined ? '/time' : options.timePath;
  const playlists = new PlaylistCache();
  const targets = new TargetCache();
  // The per-request fast path for media bytes needs headers that do not depend on the request.
  const mediaHeaders =
    origins === '*' ? new MediaHeaders(IMMUTABLE, Object.entries(ANY_ORIGIN_HEADERS)) : undefined;
  const playlistBodies = origins === '*' ? new PlaylistBodies(M3U8, Object.entries(ANY_ORIGIN_HEADERS)) : undefined;
  const anonymous = new AnonymousKeys();
  let closed = false;

  const blockingTimeout = (view: HlsStreamView): number =>
    options.blockingTimeoutMs ?? Math.max(1_000, 3 * view.targetDuration * 1_000);

  // Not async: a part, segment or init segment that exists is answered synchronously (the
  // bulk of LL-HLS requests), with no promise or closure of its own; the rest goes on to
  // handle(). The answer is a promise either way, so frameworks can chain it.
  const handler = (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);
    const isTime = timePath !== false && pathname === timePath;
    const target = isTime ? undefined : targets.get(pathname);
    if (!isTime && !target) return ANSWERED_NOT_OURS;
    try {
      if (target && mediaHeaders && !closed && serveBytesNow(req, res, target, mediaHeaders)) return ANSWERED;
    } catch (err) {
      return Promise.reject(err); // as an async handler would fail
    }
    return handle(req, res, url, q, isTime, target);
  };

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    url: string,
    q: number,
    isTime: boolean,
    target: HlsTarget | undefined,
  ): Promise<boolean> {
    const cors = corsHeaders(req, origins);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, preflightHeaders(req, origins));
      res.end();
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(req, res, 405, HttpErrorCodes.METHOD_NOT_ALLOWED, `${req.method ?? ''} is not allowed`, {
        ...cors,
        Allow: 'GET, HEAD, OPTIONS',
      });
      return true;
    }
    if (closed) {
      sendError(req, res, 503, HttpErrorCodes.UNAVAILABLE, 'the server is shutting down', {
        ...cors,
        Connection: 'close',
      });
      return true;
    }
    if (isTime) {
      sendBody(req, res, new Date(now()).toISOString(), {
        contentType: 'text/plain; charset=utf-8',
        cacheControl: 'no-store',
        headers: cors,
      });
      return true;
    }
    const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
    try {
      await serve(req, res, target as HlsTarget, query, cors);
    } catch (err) {
      if (!res.headersSent) {
        sendError(req, res, 500, HttpErrorCodes.INTERNAL, `internal error: ${(err as Error).message}`, cors);
      } else res.destroy();
    }
    return true;
  }

  /**
   * The common case of a media request, without a promise: GET or HEAD of an
   * init segment, segment or part that exists, with no conditional or Range
   * header, CORS open to any origin. Headers come prebuilt per body (see
   * MediaHeaders). False: not answered, take the general path.
   */
  function serveBytesNow(req: IncomingMessage, res: ServerResponse, target: HlsTarget, headers: MediaHeaders): boolean {
    const { route } = target;
    if (route.kind === 'master' || route.kind === 'mpd' || route.kind === 'media') return false;
    const method = req.method;
    if (method !== 'GET' && method !== 'HEAD') return false;
    const h = req.headers;
    if (h.range !== undefined || h['if-none-match'] !== undefined || h['if-range'] !== undefined) return false;
    const view = store.get(target.stream);
    if (!view || route.epoch !== view.epoch || (route.kind === 'ts') !== (view.format === 'ts')) return false;
    let body: HlsLookup;
    switch (route.kind) {
      case 'part':
        body = view.part(route.track, route.msn, route.part);
        break;
      case 'segment':
        body = view.segment(route.track, route.msn);
        break;
      case 'init':
        body = view.init(route.track, route.initId);
        break;
      default:
        body = view.segment('video', route.msn);
    }
    if (body === undefined || typeof body === 'string') return false; // 404, 410, or held
    res.writeHead(200, headers.of(body, etagOfRoute(view, route), contentTypeOf(route)));
    if (method === 'HEAD') res.end();
    else if (Buffer.isBuffer(body)) res.end(body);
    else {
      // A segment as its parts: one writev for the header and every part.
      res.cork();
      for (const b of body) res.write(b);
      res.end();
    }
    return true;
  }

  async function serve(
    req: IncomingMessage,
    res: ServerResponse,
    target: HlsTarget,
    query: URLSearchParams,
    cors: OutgoingHttpHeaders,
  ): Promise<void> {
    const { route } = target;
    switch (route.kind) {
      case 'master':
      case 'mpd':
        return serveEntry(req, res, target, route.kind, query, cors);
      case 'media':
        return serveMedia(req, res, target, route.track, query, cors);
      default:
        return serveBytes(req, res, target, route, cors);
    }
  }

  /**
   * The master playlist or the MPD: authorize once per session, then render.
   * HLS: the master mints the session id and writes it (with the viewer's own
   * query) into the media playlist URLs. DASH: the MPD names segments directly,
   * so it carries only the viewer's query (segment URLs stay shared) and the
   * session is the player's CMCD sid, or its address and user agent.
   */
  async function serveEntry(
    req: IncomingMessage,
    res: ServerResponse,
    target: HlsTarget,
    kind: 'master' | 'mpd',
    query: URLSearchParams,
    cors: OutgoingHttpHeaders,
  ): Promise<void> {
    const renderMpd = render.mpd;
    if (kind === 'mpd' && !renderMpd) return void notFound(req, res, target, cors);
    const protocol: AuthProtocol = kind === 'mpd' ? 'dash' : 'hls';
    const own = viewerQuery(query);
    const given = requestSessionId(query, req);
    const id = given ?? (kind === 'master' ? mintSessionId() : anonymous.of(req, target.stream, own));
    if (sessions.isKicked(id)) return void kickedAnswer(req, res, cors);
    if (!sessions.find(id, target.stream)) {
      const allowed = await authorizeViewer(req, res, target, protocol, own, id, cors);
      if (!allowed) return;
      sessions.add(id, target.stream, protocol);
    }
    const view = readyView(req, res, target, cors);
    if (!view) return;
    if (kind === 'master' || !renderMpd) {
      const text = render.master(view, { query: encodeQuery({ ...own, [SESSION_PARAM]: id }) });
      sendBody(req, res, text, { contentType: M3U8, cacheControl: PER_VIEWER, headers: cors });
      return;
    }
    const mpd = renderMpd(view, { query: encodeQuery(own), now: now() });
    if (mpd === undefined) {
      if (view.format === 'ts') {
        sendError(req, res, 404, HttpErrorCodes.NOT_FOUND, `stream ${target.stream} is served as TS: no DASH`, cors);
      } else {
        sendError(req, res, 503, HttpErrorCodes.NOT_READY, `stream ${target.stream} has no media yet`, {
          ...cors,
          'Retry-After': RETRY_BEFORE_FIRST_PART_S,
        });
      }
      return;
    }
    sendBody(req, res, mpd, { contentType: MPD, cacheControl: REVALIDATE, headers: cors });
  }

  /** A media playlist: the session (or a fresh authorization), then blocking reload / delta update. */
  async function serveMedia(
    req: IncomingMessage,
    res: ServerResponse,
    target: HlsTarget,
    track: HlsTrackKind,
    query: URLSearchParams,
    cors: OutgoingHttpHeaders,
  ): Promise<void> {
    const msnText = query.get('_HLS_msn');
    const partText = query.get('_HLS_part');
    const msn = msnText === null ? undefined : directive(msnText);
    const part = partText === null ? undefined : directive(partText);
    if (msn === null || part === null) {
      sendError(req, res, 400, HttpErrorCodes.BAD_REQUEST, '_HLS_msn and _HLS_part take a decimal integer', cors);
      return;
    }
    if (part !== undefined && msn === undefined) {
      // RFC 8216bis §6.2.5.2: _HLS_part without _HLS_msn is a Bad Request.
      sendError(req, res, 400, HttpErrorCodes.BAD_REQUEST, '_HLS_part needs _HLS_msn', cors);
      return;
    }
    const own = viewerQuery(query);
    const id = requestSessionId(query, req) ?? anonymous.of(req, target.stream, own);
    if (sessions.isKicked(id)) return void kickedAnswer(req, res, cors);
    if (!sessions.find(id, target.stream)) {
      const allowed = await authorizeViewer(req, res, target, 'hls', own, id, cors);
      if (!allowed) return;
      sessions.add(id, target.stream, 'hls');
    }
    let view = readyView(req, res, target, cors);
    if (!view) return;
    if (!playlistTracks(view).includes(track)) {
      sendError(req, res, 404, HttpErrorCodes.NOT_FOUND, `stream ${target.stream} has no ${track} track`, cors);
      return;
    }
    let blocked = false;
    // §6.2.5.2: directives are ignored once the playlist has EXT-X-ENDLIST.
    if (msn !== undefined && !view.ended) {
      const outcome = await store.waitFor(target.stream, msn, part, blockingTimeout(view));
      if (outcome === 'too-far') {
        sendError(req, res, 400, HttpErrorCodes.BAD_REQUEST, `_HLS_msn=${msn} is too far ahead of the playlist`, cors);
        return;
      }
      if (outcome === 'timeout') {
        sendError(req, res, 503, HttpErrorCodes.UNAVAILABLE, `segment ${msn} did not appear in time`, {
          ...cors,
          'Retry-After': 1,
        });
        return;
      }
      view = store.get(target.stream);
      if (outcome === 'gone' && (closed || !view)) {
        sendError(req, res, 503, HttpErrorCodes.UNAVAILABLE, 'the stream is no longer served here', {
          ...cors,
          'Retry-After': 1,
        });
        return;
      }
      if (!view) return void notFound(req, res, target, cors);
      blocked = outcome === 'ready';
    }
    const skipText = query.get('_HLS_skip');
    const skip = (skipText === 'YES' || skipText === 'v2') && !view.ended;
    const carried = encodeQuery(own);
    const current = view;
    const cached = playlists.get(current, `${track}|${skip}|${carried}`, () =>
      render.media(current, track, { skip, query: carried }),
    );
    // A blocking answer is the same for every viewer asking for that part: let caches hold it
    // for a while, so they coalesce the herd (origin load O(streams), not O(viewers)).
    const cacheControl = blocked ? `public, max-age=${Math.max(1, view.targetDuration)}` : REVALIDATE;
    if (playlistBodies && req.headers['if-none-match'] === undefined) {
      // The herd released by one part gets one encoded body and one header array.
      const { bytes, headers } = playlistBodies.of(cached, cacheControl);
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : bytes);
      return;
    }
    sendBody(req, res, cached.text, { contentType: M3U8, cacheControl, headers: cors, etag: cached.etag });
  }

  /** Init segments, segments and parts; a part or segment that is next in line is held until it exists. */
  async function serveBytes(
    req: IncomingMessage,
    res: ServerResponse,
    target: HlsTarget,
    route: ByteRoute,
    cors: OutgoingHttpHeaders,
  ): Promise<void> {
    let view = store.get(target.stream);
    if (!view) return void notFound(req, res, target, cors);
    if (route.epoch !== view.epoch) {
      // A name from an earlier instance of this stream (before a restart, or before the
      // store forgot it): those bytes are gone for good, and the numbers now mean others.
      sendError(req, res, 410, HttpErrorCodes.GONE, `${describe(route)} is from an earlier instance of ${target.stream}`, cors);
      return;
    }
    const wantTs = route.kind === 'ts';
    if (wantTs !== (view.format === 'ts')) {
      sendError(req, res, 404, HttpErrorCodes.NOT_FOUND, `stream ${target.stream} is not served as ${route.kind}`, cors);
      return;
    }
    const lookup = lookupOf(route);
    let found = lookup(view);
    if (found === 'future' && route.kind === 'segment' && streamable(req, view, route.msn)) {
      return streamOpenSegment(res, target, route, view, cors);
    }
    if (found === 'future' && route.kind !== 'init') {
      const outcome = await store.waitFor(
        target.stream,
        route.msn,
        route.kind === 'part' ? route.part : undefined,
        blockingTimeout(view),
      );
      view = store.get(target.stream);
      if (outcome === 'timeout' || (outcome === 'gone' && closed)) {
        sendError(req, res, 503, HttpErrorCodes.UNAVAILABLE, 'not available yet', { ...cors, 'Retry-After': 1 });
        return;
      }
      found = view && outcome !== 'too-far' ? lookup(view) : undefined;
    }
    if (found === 'expired') {
      sendError(req, res, 410, HttpErrorCodes.GONE, `${describe(route)} has left the window`, cors);
      return;
    }
    if (found === undefined || found === 'future' || !view) {
      sendError(req, res, 404, HttpErrorCodes.NOT_FOUND, `${describe(route)} of ${target.stream} does not exist`, cors);
      return;
    }
    sendBody(req, res, found, {
      contentType: contentTypeOf(route),
      cacheControl: IMMUTABLE,
      ranges: true,
      headers: cors,
      etag: etagOfRoute(view, route),
    });
  }

  /**
   * Low-latency DASH: the MPD promises a segment availabilityTimeOffset early
   * (availabilityTimeComplete="false"), so a player asks for the segment
   * being built and expects its bytes as they are made (ISO/IEC 23009-1
   * §5.3.9.5.3, chunked transfer). Answer 200 at once without a length and
   * write each part's bytes for this track as the store receives them; end
   * when the segment completes. HEAD and Range requests are held until the
   * segment is complete instead (their answers need its length).
   *
   * `immutable` is still true: the body is the complete segment in the end.
   * No ETag: the validator would be sent before the representation exists,
   * and a cache must not pair it with a body that might be cut short. A body
   * that cannot be finished (stream gone, lost part, timeout) is aborted, not
   * ended, so no cache stores a truncated segment as whole.
   */
  async function streamOpenSegment(
    res: ServerResponse,
    target: HlsTarget,
    route: Extract<ByteRoute, { kind: 'segment' }>,
    first: HlsStreamView,
    cors: OutgoingHttpHeaders,
  ): Promise<void> {
    const { stream } = target;
    const { msn, track } = route;
    const waitMs = blockingTimeout(first);
    // A segment lasts about a target duration; the next one at most two.
    const deadline = now() + 2 * waitMs;
    let current: AbortController | undefined;
    let clientGone = false;
    res.on('close', () => {
      clientGone = true;
      current?.abort();
    });
    res.writeHead(200, { ...cors, 'Content-Type': contentTypeOf(route), 'Cache-Control': IMMUTABLE });
    res.flushHeaders();
    let sent = 0;
    let nextPart = 0;
    for (;;) {
      if (clientGone) return;
      const view = store.get(stream);
      const whole = view?.segment(track, msn);
      if (whole === undefined || whole === 'expired' || !view) return void res.destroy();
      if (whole !== 'future') {
        // Complete: the rest of the segment after what was already written.
        for (const b of sliceBytes(whole, sent, byteLength(whole))) res.write(b);
        res.end();
        return;
      }
      const part = view.part(track, msn, nextPart);
      if (Buffer.isBuffer(part)) {
        res.write(part);
        sent += part.length;
        nextPart++;
        continue;
      }
      if (part === undefined && view.open?.msn === msn && nextPart < view.open.parts.length) {
        nextPart++; // listed, with no samples of this track (GAP in its playlist)
        continue;
      }
      if (part !== 'future') return void res.destroy();
      const left = deadline - now();
      if (left <= 0) return void res.destroy();
      current = new AbortController();
      const signal = current.signal;
      // Whichever comes first: the next part, or the segment closing without one.
      const outcome = await Promise.race([
        store.waitFor(stream, msn, nextPart, Math.min(left, waitMs), signal),
        store.waitFor(stream, msn, undefined, Math.min(left, waitMs), signal),
      ]);
      current.abort(); // drops the other waiter
      current = undefined;
      if (outcome !== 'ready' && !clientGone) return void res.destroy();
    }
  }

  /** A GET of the open segment (or the one after it) of a stream with parts, without a Range. */
  function streamable(req: IncomingMessage, view: HlsStreamView, msn: number): boolean {
    if (req.method !== 'GET' || req.headers.range !== undefined || !view.hasParts) return false;
    return msn <= (view.open?.msn ?? view.nextMsn) + 1;
  }

  async function authorizeViewer(
    req: IncomingMessage,
    res: ServerResponse,
    target: HlsTarget,
    protocol: AuthProtocol,
    own: Record<string, string>,
    id: string,
    cors: OutgoingHttpHeaders,
  ): Promise<boolean> {
    const request = toViewerRequest(req, target, protocol, own, id);
    const decision = await decideViewer(options.authorize, request, options.auth ?? {});
    if (decision.allow) return true;
    sendError(req, res, 403, HttpErrorCodes.FORBIDDEN, decision.reason, cors);
    return false;
  }

  /** The view, or an answer: 404 for an unknown stream, 503 before its first part. */
  function readyView(
    req: IncomingMessage,
    res: ServerResponse,
    target: HlsTarget,
    cors: OutgoingHttpHeaders,
  ): HlsStreamView | undefined {
    const view = store.get(target.stream);
    if (!view) {
      notFound(req, res, target, cors);
      return undefined;
    }
    if (view.segments.length === 0 && (view.open?.parts.length ?? 0) === 0) {
      sendError(req, res, 503, HttpErrorCodes.NOT_READY, `stream ${target.stream} has no media yet`, {
        ...cors,
        'Retry-After': RETRY_BEFORE_FIRST_PART_S,
      });
      return undefined;
    }
    return view;
  }

  function kickedAnswer(req: IncomingMessage, res: ServerResponse, cors: OutgoingHttpHeaders): void {
    sendError(req, res, 403, HttpErrorCodes.FORBIDDEN, 'this viewer session was ended by an operator', cors);
  }

  function notFound(req: IncomingMessage, res: ServerResponse, target: HlsTarget, cors: OutgoingHttpHeaders): void {
    sendError(req, res, 404, HttpErrorCodes.NOT_FOUND, `no stream ${target.stream}`, cors);
  }

  const hlsHandler = handler as HlsHandler;
  hlsHandler.viewers = (stream) => sessions.viewers(stream);
  hlsHandler.viewerCounts = () => sessions.counts();
  hlsHandler.viewerSessions = () => sessions.list();
  hlsHandler.kickViewer = (id) => sessions.kick(id);
  hlsHandler.close = () => {
    closed = true;
    sessions.close();
  };
  return hlsHandler;
}

const ANSWERED = Promise.resolve(true);
const ANSWERED_NOT_OURS = Promise.resolve(false);

/**
 * Parsed request paths: every viewer of a stream asks for the same part and
 * playlist names, so each is parsed (regexes, decoding) once. Bounded: past
 * the limit it starts over. Paths that are not ours are remembered too.
 */
class TargetCache {
  private readonly map = new Map<string, HlsTarget | null>();

  get(pathname: string): HlsTarget | undefined {
    let target = this.map.get(pathname);
    if (target === undefined) {
      target = parseHlsPath(pathname) ?? null;
      if (this.map.size >= 4_096) this.map.clear();
      this.map.set(pathname, target);
    }
    return target ?? undefined;
  }
}

/** A decimal-integer directive value (RFC 8216bis §6.2.5), or null when malformed. */
function directive(text: string): number | null {
  return /^(0|[1-9][0-9]{0,14})$/.test(text) ? Number(text) : null;
}

/**
 * A player that never carries a session id (it went straight to a media
 * playlist) is still one viewer: key it by what its requests share, so the
 * authorizer is not asked on every reload. Anyone with the same key would get
 * the same decision (same address, stream and query). The hash of each
 * distinct (address, agent, stream, query) is kept (bounded), since such a
 * player asks again every part or segment.
 */
class AnonymousKeys {
  private readonly known = new Map<string, string>();

  of(req: IncomingMessage, stream: string, own: Record<string, string>): string {
    const what = `${req.socket.remoteAddress ?? ''}\n${req.headers['user-agent'] ?? ''}\n${stream}\n${encodeQuery(own)}`;
    let key = this.known.get(what);
    if (key === undefined) {
      key = `anon:${createHash('sha1').update(what).digest('base64url').slice(0, 16)}`;
      if (this.known.size >= 16_384) this.known.clear();
      this.known.set(what, key);
    }
    return key;
  }
}
