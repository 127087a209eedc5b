/**
 * Counts what the built-in HTTP server is asked for, as the first handler in
 * its list: it looks at the request and answers nothing, so the HLS/DASH
 * handler behind it keeps its fast path.
 *
 * - HLS/DASH requests by resource kind (master, media playlist, MPD, init,
 *   segment, part, ts);
 * - blocking playlist reloads (`_HLS_msn`, RFC 8216bis §6.2.5.2): how long
 *   each was held until its answer, by status, as a histogram.
 *
 * Paths are parsed once each (bounded cache): every viewer of a stream asks
 * for the same names.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import { Histogram } from 'prom-client';

import { parseHlsPath } from '../http/hls-routes';
import type { RequestHandler } from '../http/server';
import { LabelCounts } from './label-counts';

const PATH_CACHE_MAX = 4_096;
/** Waits end at a part (≈ 0.2–1 s) or time out at three target durations (≈ 6–18 s). */
const WAIT_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32];
const KNOWN_STATUS = new Set([200, 304, 400, 403, 404, 410, 503]);

export class HttpObserver {
  readonly hlsRequests = new LabelCounts(['kind'] as const);
  /** Registered into the server's metrics registry when that is built. */
  readonly blockingWait = new Histogram({
    name: 'rtmp_engine_hls_blocking_reload_wait_seconds',
    help: 'How long blocking playlist reloads (_HLS_msn) were held before their answer, by HTTP status.',
    labelNames: ['status'] as const,
    buckets: WAIT_BUCKETS,
    registers: [],
  });
  private readonly kinds = new Map<string, string | null>();

  /** The handler to put first: counts, never answers. */
  readonly handler: RequestHandler = (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);
    const kind = this.kindOf(pathname);
    if (kind === null) return false;
    this.hlsRequests.add({ kind });
    if (kind === 'media' && q !== -1 && url.includes('_HLS_msn=', q)) this.timeBlocking(req, res);
    return false;
  };

  private kindOf(pathname: string): string | null {
    let kind = this.kinds.get(pathname);
    if (kind === undefined) {
      kind = parseHlsPath(pathname)?.route.kind ?? null;
      if (this.kinds.size >= PATH_CACHE_MAX) this.kinds.clear();
      this.kinds.set(pathname, kind);
    }
    return kind;
  }

  private timeBlocking(_req: IncomingMessage, res: ServerResponse): void {
    const end = this.blockingWait.startTimer();
    res.once('close', () => {
      const status = res.headersSent ? (KNOWN_STATUS.has(res.statusCode) ? String(res.statusCode) : 'other') : 'aborted';
      end({ status });
    });
  }
}
