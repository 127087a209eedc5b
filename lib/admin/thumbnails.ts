/**
 * GET /api/v1/streams/{app}/{name}/thumbnail.jpg: the stream's latest
 * keyframe as a small JPEG, made by server.snapshot() on a decoder thread.
 *
 * Each dashboard refreshes every card's thumbnail once a second, so the
 * pictures are shared: one per (stream, width) is kept for a second, and
 * requests arriving while it is being made wait for that one snapshot rather
 * than starting their own. Ten dashboards cost one decode per second per
 * stream, like one.
 */
import { ErrorCodes, RtmpEngineError } from '../errors';
import type { Snapshot, SnapshotOptions } from '../media/snapshot';
import type { RouteContext, RouteResult } from './context';
import { AdminErrorCodes, AdminHttpError } from './json';
import { intParam, onlyParams } from './query-params';

export const THUMBNAIL_TTL_MS = 1_000;
const DEFAULT_WIDTH = 320;
const MAX_WIDTH = 1920;
/** Once published, the longest wait for a picture (a stream that has not sent its first keyframe yet). */
const PICTURE_TIMEOUT_MS = 4_000;

type Snapper = (path: string, options: SnapshotOptions) => Promise<Snapshot>;

interface Entry {
  /** Settled: the picture and when it was made; pending: the snapshot in flight. */
  picture: Promise<Snapshot>;
  madeAt: number | undefined;
}

export class ThumbnailCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly snap: Snapper,
    private readonly ttlMs = THUMBNAIL_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** A JPEG of the stream at `width`, at most ttlMs old, or the snapshot's rejection. */
  get(path: string, width: number): Promise<Snapshot> {
    this.sweep();
    const key = `${width} ${path}`;
    const cached = this.entries.get(key);
    if (cached) return cached.picture;
    const picture = this.snap(path, { format: 'jpeg', width, quality: 75, timeoutMs: PICTURE_TIMEOUT_MS });
    const entry: Entry = { picture, madeAt: undefined };
    this.entries.set(key, entry);
    entry.picture.then(
      () => (entry.madeAt = this.now()),
      // A failure is not kept: the next request tries again.
      () => this.entries.get(key) === entry && this.entries.delete(key),
    );
    return entry.picture;
  }

  /** Entries kept now (tests). */
  size(): number {
    return this.entries.size;
  }

  /** Drops pictures older than the TTL (so streams that ended leave nothing behind). */
  private sweep(): void {
    const now = this.now();
    for (const [key, e] of this.entries) {
      if (e.madeAt !== undefined && now - e.madeAt >= this.ttlMs) this.entries.delete(key);
    }
  }
}

function notFound(ctx: RouteContext, why: string): AdminHttpError {
  return new AdminHttpError(404, AdminErrorCodes.NOT_FOUND, `${why} ${ctx.params.app}/${ctx.params.name}`);
}

export async function getThumbnail(ctx: RouteContext): Promise<RouteResult> {
  onlyParams(ctx.query, ['width']);
  const width = intParam(ctx.query, 'width', 16, MAX_WIDTH, DEFAULT_WIDTH) as number;
  const path = `${ctx.params.app}/${ctx.params.name}`;
  const stream = ctx.host.stats().streams.find((s) => s.path === path);
  if (!stream) throw notFound(ctx, 'no live stream');
  if (stream.codec.video === null) throw notFound(ctx, 'no video in');
  let picture: Snapshot;
  try {
    picture = await ctx.thumbnails.get(path, width);
  } catch (err) {
    const code = err instanceof RtmpEngineError ? err.code : undefined;
    if (code === ErrorCodes.STREAM_NOT_FOUND) throw notFound(ctx, 'no live stream');
    if (code === ErrorCodes.TIMEOUT) throw notFound(ctx, 'no picture yet from');
    if (code === ErrorCodes.UNSUPPORTED || code === ErrorCodes.SERVER_CLOSED) {
      throw new AdminHttpError(503, AdminErrorCodes.UNAVAILABLE, `no thumbnail of ${path}: ${(err as Error).message}`);
    }
    throw err;
  }
  return {
    body: undefined,
    image: {
      contentType: 'image/jpeg',
      data: picture.data,
      // Every client may keep it for the second the server does.
      cacheControl: `private, max-age=${Math.round(THUMBNAIL_TTL_MS / 1_000)}`,
    },
  };
}
