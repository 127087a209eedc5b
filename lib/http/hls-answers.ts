/**
 * What the HLS/DASH responders share: the context they serve from, the media
 * types and cache policies, and the answers for a stream that is unknown or
 * has no media yet.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'http';

import type { HlsStore } from './hls/store';
import type { HlsStreamView } from './hls/view';
import type { HlsTarget } from './hls-routes';
import { HttpErrorCodes, sendError } from './responses';

/** What the handler needs of the store (lib/http/hls/store.ts implements it). */
export type HlsStoreLike = Pick<HlsStore, 'get' | 'waitFor'>;

/** The handler's state that every responder reads. */
export interface HlsServeContext {
  readonly store: HlsStoreLike;
  readonly now: () => number;
  /** True once the handler was closed: new waits end with 503. */
  isClosed(): boolean;
  /** Longest hold of a blocking playlist or held part/segment request for this stream. */
  blockingTimeout(view: HlsStreamView): number;
}

export const M3U8 = 'application/vnd.apple.mpegurl';
export const MPD = 'application/dash+xml';
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Playlists change every part: a cache must revalidate (cheap with the ETag). */
export const REVALIDATE = 'no-cache';
/** The master and the MPD name the viewer's session: never shared by caches. */
export const PER_VIEWER = 'private, no-cache';
export const RETRY_BEFORE_FIRST_PART_S = 1;

export function notFound(req: IncomingMessage, res: ServerResponse, target: HlsTarget, cors: OutgoingHttpHeaders): void {
  sendError(req, res, 404, HttpErrorCodes.NOT_FOUND, `no stream ${target.stream}`, cors);
}

/** 503 + Retry-After: the stream is known but has no part yet. */
export function notReady(req: IncomingMessage, res: ServerResponse, target: HlsTarget, cors: OutgoingHttpHeaders): void {
  sendError(req, res, 503, HttpErrorCodes.NOT_READY, `stream ${target.stream} has no media yet`, {
    ...cors,
    'Retry-After': RETRY_BEFORE_FIRST_PART_S,
  });
}

/** The view, or an answer: 404 for an unknown stream, 503 before its first part. */
export function readyView(
  ctx: HlsServeContext,
  req: IncomingMessage,
  res: ServerResponse,
  target: HlsTarget,
  cors: OutgoingHttpHeaders,
): HlsStreamView | undefined {
  const view = ctx.store.get(target.stream);
  if (!view) {
    notFound(req, res, target, cors);
    return undefined;
  }
  if (view.segments.length === 0 && (view.open?.parts.length ?? 0) === 0) {
    notReady(req, res, target, cors);
    return undefined;
  }
  return view;
}
