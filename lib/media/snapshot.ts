/**
 * `server.snapshot()`: one still image of a live stream, made on demand.
 *
 *   const { data } = await server.snapshot('live/cam', { format: 'jpeg', width: 320 });
 *   fs.writeFileSync('thumb.jpg', data);
 *
 * The engine side is SnapshotService (native/server/snapshot_service.h): a
 * short-lived frame subscription whose first picture is converted and encoded
 * (libavcodec mjpeg/png) on a decoder thread. With no decoder running for the
 * stream, the picture is its latest keyframe (the GOP cache's first picture);
 * with frames() subscribers decoding it, the next picture they get. Either
 * way the engine lets go of the decoder before the promise settles.
 *
 * Waiting has two bounds: `wait` for a stream not published yet (as in
 * frames()), then `timeoutMs` for the picture once it is published (no
 * keyframe yet, an audio-only stream).
 */
import type { NativeCodedError, NativeSnapshot, NativeSnapshotOptions } from '../../types/native';
import { ErrorCodes, fromNativeError, RtmpEngineError } from '../errors';
import type { FrameHost } from './frames';
import { abortError } from './subscription';

export type ImageFormat = NativeSnapshotOptions['format'];

export interface SnapshotOptions {
  /** 'jpeg' (default), 'png' (RGBA, lossless) or 'rgba' (raw packed rows, width × 4 bytes each). */
  format?: ImageFormat;
  /** Scale to this width; alone, the height keeps the aspect (rounded to even). */
  width?: number;
  /** Scale to this height; alone, the width keeps the aspect. */
  height?: number;
  /** JPEG quality 1-100 (default 80); ignored by the other formats. */
  quality?: number;
  /** Not published yet: false (default) rejects with ERR_RTMP_STREAM_NOT_FOUND, true waits, a number waits that many ms. */
  wait?: boolean | number;
  /** Once published, how long to wait for a picture before rejecting with ERR_RTMP_TIMEOUT. Default 10000. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface Snapshot {
  /** The file bytes (JPEG, PNG) or the packed RGBA rows. */
  data: Buffer;
  format: ImageFormat;
  /** JPEG sides are even: an odd size loses its last column or row. */
  width: number;
  height: number;
  /** ms, stream clock (the picture's pts). */
  timestamp: number;
  keyframe: boolean;
}

const FORMATS: readonly ImageFormat[] = ['jpeg', 'png', 'rgba'];
const OPTION_KEYS = ['format', 'width', 'height', 'quality', 'wait', 'timeoutMs', 'signal'];
const MAX_SIDE = 16384;
const DEFAULT_TIMEOUT_MS = 10_000;

function invalid(message: string): RtmpEngineError {
  return new RtmpEngineError(ErrorCodes.INVALID_OPTIONS, `rtmp-engine: snapshot(): ${message}`);
}

function checkInt(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${name} must be an integer from ${min} to ${max} (got ${String(value)})`);
  }
  return value;
}

interface Resolved {
  path: string;
  native: NativeSnapshotOptions;
  wait: boolean | number;
  timeoutMs: number;
  signal: AbortSignal | undefined;
}

/** Validates path and options (throws ERR_RTMP_INVALID_OPTIONS). */
export function resolveSnapshotOptions(path: unknown, options: unknown): Resolved {
  if (typeof path !== 'string' || !/^[^/]+\/.+$/.test(path)) {
    throw invalid(`path must be "app/name" (got ${JSON.stringify(path)})`);
  }
  const o = (options ?? {}) as SnapshotOptions;
  if (typeof o !== 'object') throw invalid('options must be an object');
  for (const key of Object.keys(o)) {
    if (!OPTION_KEYS.includes(key)) throw invalid(`unknown option ${key} (known: ${OPTION_KEYS.join(', ')})`);
  }
  if (o.format !== undefined && !FORMATS.includes(o.format)) {
    throw invalid(`format must be one of ${FORMATS.join(', ')} (got ${String(o.format)})`);
  }
  const native: NativeSnapshotOptions = {
    format: o.format ?? 'jpeg',
    width: checkInt(o.width, 'width', 1, MAX_SIDE) ?? 0,
    height: checkInt(o.height, 'height', 1, MAX_SIDE) ?? 0,
    quality: checkInt(o.quality, 'quality', 1, 100) ?? 80,
  };
  const wait = o.wait ?? false;
  if (typeof wait !== 'boolean' && !(typeof wait === 'number' && Number.isFinite(wait) && wait >= 0)) {
    throw invalid(`wait must be a boolean or a number of ms >= 0 (got ${String(wait)})`);
  }
  const timeoutMs = checkInt(o.timeoutMs, 'timeoutMs', 1, 2_147_483_647) ?? DEFAULT_TIMEOUT_MS;
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw invalid('signal must be an AbortSignal');
  return { path, native, wait, timeoutMs, signal: o.signal };
}

function notFound(path: string, waitedMs?: number): RtmpEngineError {
  const why = waitedMs === undefined ? 'is not being published' : `was not published within ${waitedMs} ms`;
  return new RtmpEngineError(ErrorCodes.STREAM_NOT_FOUND, `rtmp-engine: stream "${path}" ${why}`);
}

function toSnapshot(n: NativeSnapshot): Snapshot {
  return { data: n.data, format: n.format, width: n.width, height: n.height, timestamp: n.pts, keyframe: n.keyframe };
}

/** server.snapshot(): see SnapshotOptions. Every failure is a rejection with a stable `code`. */
export function snapshot(host: FrameHost, path: string, options?: SnapshotOptions): Promise<Snapshot> {
  let r: Resolved;
  try {
    r = resolveSnapshotOptions(path, options);
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise<Snapshot>((resolve, reject) => {
    const engine = host.engine();
    if (!engine) {
      reject(new RtmpEngineError(ErrorCodes.SERVER_CLOSED, 'rtmp-engine: snapshot() needs a listening server'));
      return;
    }
    const { signal } = r;
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const publishing = host.isPublishing(r.path);
    if (!publishing && r.wait === false) {
      reject(notFound(r.path));
      return;
    }

    let id = 0; // the native request while pending
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let unwatch = (): void => {};
    let forget = (): void => {};
    const settle = (error: Error | undefined, image?: Snapshot): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unwatch();
      forget();
      signal?.removeEventListener('abort', onAbort);
      if (id !== 0) engine.cancelSnapshot(id);
      id = 0;
      if (error) reject(error);
      else resolve(image as Snapshot);
    };
    const onAbort = (): void => settle(abortError(signal as AbortSignal));
    const onDone = (error: NativeCodedError | null, image?: NativeSnapshot): void => {
      id = 0; // the engine has ended the request itself
      if (error || !image) settle(fromNativeError(error));
      else settle(undefined, toSnapshot(image));
    };

    try {
      id = engine.snapshot(r.path, r.native, onDone);
    } catch (error) {
      settle(fromNativeError(error));
      return;
    }
    if (id === 0) {
      settle(new RtmpEngineError(ErrorCodes.SERVER_CLOSED, 'rtmp-engine: snapshot() needs a listening server'));
      return;
    }
    forget = host.subscriptions.add(() =>
      settle(new RtmpEngineError(ErrorCodes.SERVER_CLOSED, 'rtmp-engine: the server closed before the snapshot')),
    );
    const awaitPicture = (): void => {
      clearTimeout(timer);
      timer = setTimeout(
        () =>
          settle(
            new RtmpEngineError(ErrorCodes.TIMEOUT, `rtmp-engine: no picture of "${r.path}" within ${r.timeoutMs} ms`),
          ),
        r.timeoutMs,
      );
    };
    if (publishing) {
      awaitPicture();
    } else {
      unwatch = host.watchPublishing(r.path, (now) => {
        if (now && !settled) awaitPicture();
      });
      if (typeof r.wait === 'number') {
        const ms = r.wait;
        timer = setTimeout(() => settle(notFound(r.path, ms)), ms);
      }
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
