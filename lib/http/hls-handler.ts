/**
 * createHlsHandler(): HLS, LL-HLS and DASH as one plain `(req, res)` handler.
 * The built-in server uses it; Express/Fastify/Koa users mount it (it resolves
 * false for a request that is not its own, so the framework calls next()).
 *
 * What it answers, under `/<app>/<name>/` (layout in ./hls-routes.ts):
 *  - playlists and the MPD, written from the store's view of the stream;
 *    `_HLS_msn`/`_HLS_part` block until that part exists (RFC 8216bis
 *    §6.2.5.2), `_HLS_skip=YES|v2` asks for a delta update (§6.2.5.1)
 *    (./hls-playlist-responder.ts);
 *  - init segments, segments and parts, immutable once they exist; a part
 *    named by EXT-X-PRELOAD-HINT that does not exist yet is held until it
 *    does, then sent whole (§6.2.6: no byte of a part before all of it);
 *    a GET of the segment being built (low-latency DASH) is answered at once
 *    and written part by part until the segment completes (./hls-bytes.ts);
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
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'http';

import type { Authorizer } from '../auth/types';
import { hasCmcd, parseCmcd } from './cmcd';
import { ANY_ORIGIN_HEADERS, corsHeaders, type CorsOrigins, preflightHeaders } from './cors';
import type { HlsTrackKind } from './hls/feed';
import type { HlsStreamView } from './hls/view';
import { type HlsServeContext, type HlsStoreLike, IMMUTABLE, M3U8 } from './hls-answers';
import { HlsByteResponder } from './hls-bytes';
import { HlsPlaylistResponder } from './hls-playlist-responder';
import { defaultRenderers } from './hls-renderers';
import { TargetCache } from './hls-request-keys';
import type { HlsTarget } from './hls-routes';
import { MediaHeaders, PlaylistBodies } from './media-headers';
import { HttpErrorCodes, sendBody, sendError } from './responses';
import { type ServedBytes, ServedBytesCounter } from './served-bytes';
import type { ViewerAuthOptions } from './viewer-auth';
import { type ViewerSession, type ViewerSessionOptions, ViewerSessions } from './viewer-sessions';

export type { HlsStoreLike } from './hls-answers';

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
  /** The same by protocol (a stream with viewers of one protocol shows 0 for the other). */
  viewerCountsByProtocol(): Map<string, { hls: number; dash: number }>;
  /** Bytes sent (playlists, MPD, segments, parts, headers included), in total and per stream. */
  bytesSent(): ServedBytes;
  /** Every live viewer session (the admin API lists them). */
  viewerSessions(): readonly Readonly<ViewerSession>[];
  /** Ends a viewer session: its next playlist or manifest request gets 403. */
  kickViewer(id: string): boolean;
  /** Answers new requests with 503 and forgets sessions (the store answers requests still waiting). */
  close(): void;
}

const ANSWERED = Promise.resolve(true);
const ANSWERED_NOT_OURS = Promise.resolve(false);

export function createHlsHandler(options: HlsHandlerOptions): HlsHandler {
  const origins = options.cors?.origins ?? '*';
  const now = options.now ?? Date.now;
  const sessions = new ViewerSessions({
    now,
    idleMsFor: (stream) => {
      const view = options.store.get(stream);
      return view ? 3 * view.targetDuration * 1_000 : undefined;
    },
    ...options.sessions,
  });
  const timePath = options.timePath === undefined ? '/time' : options.timePath;
  const served = new ServedBytesCounter((stream) => options.store.get(stream) !== undefined, now);
  const targets = new TargetCache();
  let closed = false;
  const ctx: HlsServeContext = {
    store: options.store,
    now,
    isClosed: () => closed,
    blockingTimeout: (view) => options.blockingTimeoutMs ?? Math.max(1_000, 3 * view.targetDuration * 1_000),
  };
  const bytes = new HlsByteResponder(ctx);
  const texts = new HlsPlaylistResponder(ctx, {
    render: options.render ?? defaultRenderers,
    sessions,
    authorize: options.authorize,
    auth: options.auth ?? {},
    playlistBodies: origins === '*' ? new PlaylistBodies(M3U8, Object.entries(ANY_ORIGIN_HEADERS)) : undefined,
  });
  // The per-request fast path for media bytes needs headers that do not depend on the request.
  const mediaHeaders =
    origins === '*' ? new MediaHeaders(IMMUTABLE, Object.entries(ANY_ORIGIN_HEADERS)) : undefined;

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
    if (target) served.watch(res, target.stream);
    // CMCD (players that send it): buffer, bitrate and stalls onto the viewer's session.
    if (target && hasCmcd(url, req)) sessions.noteCmcd(parseCmcd(new URLSearchParams(q === -1 ? '' : url.slice(q + 1)), req));
    try {
      if (target && mediaHeaders && !closed && bytes.answerNow(req, res, target, mediaHeaders)) return ANSWERED;
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

  function serve(
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
        return texts.serveEntry(req, res, target, route.kind, query, cors);
      case 'media':
        return texts.serveMedia(req, res, target, route.track, query, cors);
      default:
        return bytes.serve(req, res, target, route, cors);
    }
  }

  const hlsHandler = handler as HlsHandler;
  hlsHandler.viewers = (stream) => sessions.viewers(stream);
  hlsHandler.viewerCounts = () => sessions.counts();
  hlsHandler.viewerCountsByProtocol = () => sessions.countsByProtocol();
  hlsHandler.bytesSent = () => served.read();
  hlsHandler.viewerSessions = () => sessions.list();
  hlsHandler.kickViewer = (id) => sessions.kick(id);
  hlsHandler.close = () => {
    closed = true;
    sessions.close();
  };
  return hlsHandler;
}
