/**
 * The media bytes of HLS/LL-HLS/DASH: init segments, segments and parts.
 * Immutable once they exist; a part or segment that is next in line is held
 * until it exists (RFC 8216bis §6.2.6: a preload hint is answered with the
 * whole part, never a byte of it early); a GET of the segment being built
 * (low-latency DASH) is written part by part as the store receives them.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'http';

import type { HlsLookup, HlsStreamView } from './hls/view';
import { type HlsServeContext, IMMUTABLE, notFound } from './hls-answers';
import { type ByteRoute, contentTypeOf, describe, etagOfRoute, lookupOf } from './hls-resources';
import type { HlsTarget } from './hls-routes';
import type { MediaHeaders } from './media-headers';
import { byteLength, HttpErrorCodes, sendBody, sendError, sliceBytes } from './responses';

export class HlsByteResponder {
  constructor(private readonly ctx: HlsServeContext) {}

  /**
   * The common case of a media request, without a promise: GET or HEAD of an
   * init segment, segment or part that exists, with no conditional or Range
   * header, CORS open to any origin. Headers come prebuilt per body (see
   * MediaHeaders). False: not answered, take the general path.
   */
  answerNow(req: IncomingMessage, res: ServerResponse, target: HlsTarget, headers: MediaHeaders): boolean {
    const { route } = target;
    if (route.kind === 'master' || route.kind === 'mpd' || route.kind === 'media') return false;
    const method = req.method;
    if (method !== 'GET' && method !== 'HEAD') return false;
    const h = req.headers;
    if (h.range !== undefined || h['if-none-match'] !== undefined || h['if-range'] !== undefined) return false;
    const view = this.ctx.store.get(target.stream);
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

  /** Init segments, segments and parts; a part or segment that is next in line is held until it exists. */
  async serve(
    req: IncomingMessage,
    res: ServerResponse,
    target: HlsTarget,
    route: ByteRoute,
    cors: OutgoingHttpHeaders,
  ): Promise<void> {
    const { store } = this.ctx;
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
      return this.streamOpenSegment(res, target, route, view, cors);
    }
    if (found === 'future' && route.kind !== 'init') {
      const outcome = await store.waitFor(
        target.stream,
        route.msn,
        route.kind === 'part' ? route.part : undefined,
        this.ctx.blockingTimeout(view),
      );
      view = store.get(target.stream);
      if (outcome === 'timeout' || (outcome === 'gone' && this.ctx.isClosed())) {
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
  private async streamOpenSegment(
    res: ServerResponse,
    target: HlsTarget,
    route: Extract<ByteRoute, { kind: 'segment' }>,
    first: HlsStreamView,
    cors: OutgoingHttpHeaders,
  ): Promise<void> {
    const { store, now } = this.ctx;
    const { stream } = target;
    const { msn, track } = route;
    const waitMs = this.ctx.blockingTimeout(first);
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
}

/** A GET of the open segment (or the one after it) of a stream with parts, without a Range. */
function streamable(req: IncomingMessage, view: HlsStreamView, msn: number): boolean {
  if (req.method !== 'GET' || req.headers.range !== undefined || !view.hasParts) return false;
  return msn <= (view.open?.msn ?? view.nextMsn) + 1;
}
