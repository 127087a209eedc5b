/**
 * The texts of HLS/LL-HLS/DASH: the master playlist and the MPD (where a
 * viewer session starts and is authorized), and media playlists with
 * blocking reload (RFC 8216bis §6.2.5.2) and delta updates (§6.2.5.1).
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'http';

import type { Authorizer, AuthProtocol } from '../auth/types';
import type { HlsTrackKind } from './hls/feed';
import { playlistTracks } from './hls/names';
import type { HlsStreamView } from './hls/view';
import {
  type HlsServeContext,
  M3U8,
  MPD,
  notFound,
  notReady,
  PER_VIEWER,
  readyView,
  REVALIDATE,
} from './hls-answers';
import type { HlsRenderers } from './hls-handler';
import { AnonymousKeys, directive } from './hls-request-keys';
import type { HlsTarget } from './hls-routes';
import type { PlaylistBodies } from './media-headers';
import { PlaylistCache } from './playlist-cache';
import { HttpErrorCodes, sendBody, sendError } from './responses';
import { decideViewer, encodeQuery, toViewerRequest, type ViewerAuthOptions, viewerQuery } from './viewer-auth';
import { mintSessionId, requestSessionId, SESSION_PARAM, type ViewerSessions } from './viewer-sessions';

export interface PlaylistResponderOptions {
  render: HlsRenderers;
  sessions: ViewerSessions;
  authorize: Authorizer | undefined;
  auth: ViewerAuthOptions;
  /** Prebuilt headers for media playlists when CORS is open to any origin. */
  playlistBodies: PlaylistBodies | undefined;
}

export class HlsPlaylistResponder {
  private readonly playlists = new PlaylistCache();
  private readonly anonymous = new AnonymousKeys();

  constructor(
    private readonly ctx: HlsServeContext,
    private readonly options: PlaylistResponderOptions,
  ) {}

  /**
   * The master playlist or the MPD: authorize once per session, then render.
   * HLS: the master mints the session id and writes it (with the viewer's own
   * query) into the media playlist URLs. DASH: the MPD names segments directly,
   * so it carries only the viewer's query (segment URLs stay shared) and the
   * session is the player's CMCD sid, or its address and user agent.
   */
  async serveEntry(
    req: IncomingMessage,
    res: ServerResponse,
    target: HlsTarget,
    kind: 'master' | 'mpd',
    query: URLSearchParams,
    cors: OutgoingHttpHeaders,
  ): Promise<void> {
    const { render, sessions } = this.options;
    const renderMpd = render.mpd;
    if (kind === 'mpd' && !renderMpd) return void notFound(req, res, target, cors);
    const protocol: AuthProtocol = kind === 'mpd' ? 'dash' : 'hls';
    const own = viewerQuery(query);
    const given = requestSessionId(query, req);
    const id = given ?? (kind === 'master' ? mintSessionId() : this.anonymous.of(req, target.stream, own));
    if (!(await this.admit(req, res, target, protocol, own, id, cors))) return;
    const view = readyView(this.ctx, req, res, target, cors);
    if (!view) return;
    if (kind === 'master' || !renderMpd) {
      const text = render.master(view, { query: encodeQuery({ ...own, [SESSION_PARAM]: id }) });
      sendBody(req, res, text, { contentType: M3U8, cacheControl: PER_VIEWER, headers: cors });
      return;
    }
    const mpd = renderMpd(view, { query: encodeQuery(own), now: this.ctx.now() });
    if (mpd === undefined) {
      if (view.format === 'ts') {
        sendError(req, res, 404, HttpErrorCodes.NOT_FOUND, `stream ${target.stream} is served as TS: no DASH`, cors);
      } else notReady(req, res, target, cors);
      return;
    }
    sendBody(req, res, mpd, { contentType: MPD, cacheControl: REVALIDATE, headers: cors });
  }

  /** A media playlist: the session (or a fresh authorization), then blocking reload / delta update. */
  async serveMedia(
    req: IncomingMessage,
    res: ServerResponse,
    target: HlsTarget,
    track: HlsTrackKind,
    query: URLSearchParams,
    cors: OutgoingHttpHeaders,
  ): Promise<void> {
    const { store } = this.ctx;
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
    const id = requestSessionId(query, req) ?? this.anonymous.of(req, target.stream, own);
    if (!(await this.admit(req, res, target, 'hls', own, id, cors))) return;
    let view = readyView(this.ctx, req, res, target, cors);
    if (!view) return;
    if (!playlistTracks(view).includes(track)) {
      sendError(req, res, 404, HttpErrorCodes.NOT_FOUND, `stream ${target.stream} has no ${track} track`, cors);
      return;
    }
    let blocked = false;
    // §6.2.5.2: directives are ignored once the playlist has EXT-X-ENDLIST.
    if (msn !== undefined && !view.ended) {
      const outcome = await store.waitFor(target.stream, msn, part, this.ctx.blockingTimeout(view));
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
      if (outcome === 'gone' && (this.ctx.isClosed() || !view)) {
        sendError(req, res, 503, HttpErrorCodes.UNAVAILABLE, 'the stream is no longer served here', {
          ...cors,
          'Retry-After': 1,
        });
        return;
      }
      if (!view) return void notFound(req, res, target, cors);
      blocked = outcome === 'ready';
    }
    this.sendMediaPlaylist(req, res, view, track, query, own, blocked, cors);
  }

  private sendMediaPlaylist(
    req: IncomingMessage,
    res: ServerResponse,
    view: HlsStreamView,
    track: HlsTrackKind,
    query: URLSearchParams,
    own: Record<string, string>,
    blocked: boolean,
    cors: OutgoingHttpHeaders,
  ): void {
    const skipText = query.get('_HLS_skip');
    const skip = (skipText === 'YES' || skipText === 'v2') && !view.ended;
    const carried = encodeQuery(own);
    const cached = this.playlists.get(view, `${track}|${skip}|${carried}`, () =>
      this.options.render.media(view, track, { skip, query: carried }),
    );
    // A blocking answer is the same for every viewer asking for that part: let caches hold it
    // for a while, so they coalesce the herd (origin load O(streams), not O(viewers)).
    const cacheControl = blocked ? `public, max-age=${Math.max(1, view.targetDuration)}` : REVALIDATE;
    const bodies = this.options.playlistBodies;
    if (bodies && req.headers['if-none-match'] === undefined) {
      // The herd released by one part gets one encoded body and one header array.
      const { bytes, headers } = bodies.of(cached, cacheControl);
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : bytes);
      return;
    }
    sendBody(req, res, cached.text, { contentType: M3U8, cacheControl, headers: cors, etag: cached.etag });
  }

  /** A known session goes on; a new one is authorized first (403 with the reason when refused). */
  private async admit(
    req: IncomingMessage,
    res: ServerResponse,
    target: HlsTarget,
    protocol: AuthProtocol,
    own: Record<string, string>,
    id: string,
    cors: OutgoingHttpHeaders,
  ): Promise<boolean> {
    const { sessions } = this.options;
    if (sessions.isKicked(id)) {
      sendError(req, res, 403, HttpErrorCodes.FORBIDDEN, 'this viewer session was ended by an operator', cors);
      return false;
    }
    if (sessions.find(id, target.stream)) return true;
    const request = toViewerRequest(req, target, protocol, own, id);
    const decision = await decideViewer(this.options.authorize, request, this.options.auth);
    if (!decision.allow) {
      sendError(req, res, 403, HttpErrorCodes.FORBIDDEN, decision.reason, cors);
      return false;
    }
    sessions.add(id, target.stream, protocol, req.socket.remoteAddress ?? '');
    return true;
  }
}
