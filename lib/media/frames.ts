/**
 * `server.frames()` / `server.onFrames()`: a live stream's decoded video and
 * audio frames, converted on the engine's decoder threads:
 *
 *   for await (const f of server.frames('live/cam', { video: { format: 'rgba', width: 640 }, audio: false })) {
 *     analyse(f.planes[0].data, f.width, f.height, f.planes[0].stride);
 *     f.release(); // the buffer goes back to the pool at once (else when f is garbage)
 *   }
 *
 * The engine side is FrameService (native/server/frame_service.h); the
 * binding (native/binding/frame_subscriptions.h) writes frames into a pool of
 * JS-allocated buffers per subscription (or, with the server option
 * `frames.buffers: 'external'`, into native memory lent as external ArrayBuffers). A frame's planes are views of one
 * pool buffer, valid until the frame is released: release() / close(), or,
 * when the frame becomes garbage, the FinalizationRegistry below. The pool is
 * bounded: a consumer that keeps frames makes the engine drop (counted, and
 * reported as droppedBefore), never grow.
 */
import type {
  NativeAudioFrame,
  NativeEngine,
  NativeFrameItem,
  NativeFrameOptions,
  NativeFramePlane,
  NativeVideoFrame,
} from '../../types/native';
import { ErrorCodes, fromNativeError, RtmpEngineError, toErrorCode } from '../errors';
import { type Feed, iterate, listen, type Opener, type SubscriptionSet } from './subscription';

export type PixelFormat = NativeFrameOptions['pixelFormat'];
/** s16 / f32 interleaved; s16p / f32p planar (one plane per channel). */
export type SampleFormat = NativeFrameOptions['sampleFormat'];

export interface VideoFrameOptions {
  /** Default 'yuv420p'. */
  format?: PixelFormat;
  /** Scale to this width; alone, the height keeps the aspect (rounded to even, like `scale=W:-2`). */
  width?: number;
  /** Scale to this height; alone, the width keeps the aspect. */
  height?: number;
  /** Deliver at most this many frames per second (the others are decoded, not delivered). */
  maxFps?: number;
}

export interface AudioFrameOptions {
  /** Default 's16'. */
  format?: SampleFormat;
  /** Resample to this rate (Hz). Default: the source's. */
  sampleRate?: number;
  /** Mix to this many channels (1-8). Default: the source's. */
  channels?: number;
}

export interface FrameQueueOptions {
  /** Video frames the engine holds for this subscription before it drops. Default 2. */
  videoFrames?: number;
  /** Audio (ms of media) the engine holds before it drops. Default 200. */
  audioMs?: number;
}

export interface FrameOptions {
  /** true (default: yuv420p, source size), false (no video) or the output wanted. */
  video?: boolean | VideoFrameOptions;
  /** true (default: s16 interleaved, source rate and channels), false or the output wanted. */
  audio?: boolean | AudioFrameOptions;
  queue?: FrameQueueOptions;
  /** End when the publisher leaves (frames still being decoded then are not delivered). */
  endOnUnpublish?: boolean;
  /** Not published yet: false (default) rejects with ERR_RTMP_STREAM_NOT_FOUND, true waits, a number waits that many ms. */
  wait?: boolean | number;
  signal?: AbortSignal;
  /** A decode error (code ERR_RTMP_MEDIA or ERR_RTMP_UNSUPPORTED), once per episode; frames resume at the next keyframe. */
  onError?: (error: RtmpEngineError) => void;
}

export interface OnFramesOptions extends FrameOptions {
  /** Called once if the subscription ends by itself (error, endOnUnpublish, server closed). */
  onEnd?: (error?: Error) => void;
}

export interface FramePlane {
  /**
   * A view of the frame's buffer: read it before release() (copy what you keep). With
   * `frames.buffers: 'pool'` the buffer is reused after release(); with `'external'` release()
   * detaches it (the view then has no bytes).
   */
  data: Uint8Array;
  /** Video: bytes per row (rows are padded to 32 bytes); audio: the plane's byte length. */
  stride: number;
}

/** Where copyTo() put each plane (the WebCodecs PlaneLayout). */
export interface PlaneLayout {
  offset: number;
  stride: number;
}

type Releaser = (token: number) => void;

interface Held {
  release: Releaser;
  token: number;
}

// A frame that becomes garbage without release() gives its buffer back here.
const registry = new FinalizationRegistry<Held>((held) => held.release(held.token));

abstract class DecodedFrame {
  /** ms, stream clock. */
  readonly pts: number;
  readonly dts: number;
  /** ms, stream clock (= pts). */
  readonly timestamp: number;
  readonly keyframe: boolean;
  readonly planes: FramePlane[];
  /** Frames of this kind the engine dropped for this subscription since the previous one. */
  readonly droppedBefore: number;
  /** First frame of its kind after a republish or a change of the picture or sample format. */
  readonly discontinuity: boolean;
  #held: Held | undefined;

  constructor(n: NativeVideoFrame | NativeAudioFrame, release: Releaser) {
    this.pts = n.pts;
    this.dts = n.dts;
    this.timestamp = n.pts;
    this.keyframe = n.keyframe;
    this.planes = n.planes.map((p: NativeFramePlane) => ({ data: p.data, stride: p.stride }));
    this.droppedBefore = n.droppedBefore;
    this.discontinuity = n.discontinuity;
    this.#held = { release, token: n.token };
    registry.register(this, this.#held, this);
  }

  /** Whether release() (or close()) was called. */
  get released(): boolean {
    return this.#held === undefined;
  }

  /** Gives the buffer back to the pool now; the planes' data must not be read after. Idempotent. */
  release(): void {
    const held = this.#held;
    if (!held) return;
    this.#held = undefined;
    registry.unregister(this);
    held.release(held.token);
  }

  /** WebCodecs name for release(). */
  close(): void {
    this.release();
  }

  /** Bytes copyTo() writes: every plane, rows with their stride. */
  allocationSize(): number {
    let n = 0;
    for (const p of this.planes) n += p.data.byteLength;
    return n;
  }

  /** Copies the planes one after the other into dest (WebCodecs-shaped: resolves to their layout). */
  copyTo(dest: ArrayBuffer | ArrayBufferView): Promise<PlaneLayout[]> {
    try {
      if (this.released) throw new RtmpEngineError(ErrorCodes.INVALID_ARGUMENT, 'rtmp-engine: copyTo() after release()');
      const out = ArrayBuffer.isView(dest)
        ? new Uint8Array(dest.buffer, dest.byteOffset, dest.byteLength)
        : new Uint8Array(dest);
      if (out.byteLength < this.allocationSize()) {
        throw new RtmpEngineError(
          ErrorCodes.INVALID_ARGUMENT,
          `rtmp-engine: copyTo() needs ${this.allocationSize()} bytes (got ${out.byteLength})`,
        );
      }
      const layout: PlaneLayout[] = [];
      let offset = 0;
      for (const p of this.planes) {
        out.set(p.data, offset);
        layout.push({ offset, stride: p.stride });
        offset += p.data.byteLength;
      }
      return Promise.resolve(layout);
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

export class VideoFrame extends DecodedFrame {
  readonly kind = 'video' as const;
  readonly width: number;
  readonly height: number;
  readonly format: PixelFormat;

  constructor(n: NativeVideoFrame, release: Releaser) {
    super(n, release);
    this.width = n.width;
    this.height = n.height;
    this.format = n.format;
  }
}

export class AudioFrame extends DecodedFrame {
  readonly kind = 'audio' as const;
  readonly sampleRate: number;
  readonly channels: number;
  /** Samples per channel. */
  readonly samples: number;
  readonly format: SampleFormat;
  /** Interleaved formats: the one plane's data (planar formats: use planes, one per channel). */
  readonly data: Uint8Array | undefined;

  constructor(n: NativeAudioFrame, release: Releaser) {
    super(n, release);
    this.sampleRate = n.sampleRate;
    this.channels = n.channels;
    this.samples = n.samples;
    this.format = n.format;
    this.data = n.format === 's16' || n.format === 'f32' ? this.planes[0]?.data : undefined;
  }
}

export type Frame = VideoFrame | AudioFrame;

/** @internal What frames() needs from the server. */
export interface FrameHost {
  engine(): NativeEngine | undefined;
  subscriptions: SubscriptionSet;
  /** Whether "app/name" has a publisher now. */
  isPublishing(path: string): boolean;
  /** Calls back on every publish (true) / unpublish (false) of path; returns the off switch. */
  watchPublishing(path: string, onChange: (publishing: boolean) => void): () => void;
}

const PIXEL_FORMATS: readonly PixelFormat[] = ['yuv420p', 'nv12', 'rgba', 'bgra', 'rgb24', 'gray'];
const SAMPLE_FORMATS: readonly SampleFormat[] = ['s16', 'f32', 's16p', 'f32p'];
const OPTION_KEYS = ['video', 'audio', 'queue', 'endOnUnpublish', 'wait', 'signal', 'onError', 'onEnd'];
const VIDEO_KEYS = ['format', 'width', 'height', 'maxFps'];
const AUDIO_KEYS = ['format', 'sampleRate', 'channels'];
const QUEUE_KEYS = ['videoFrames', 'audioMs'];
const MAX_SIDE = 16384;

function invalid(message: string): RtmpEngineError {
  return new RtmpEngineError(ErrorCodes.INVALID_OPTIONS, `rtmp-engine: frames(): ${message}`);
}

function checkKeys(value: object, known: string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw invalid(`unknown option ${where}${key} (known: ${known.join(', ')})`);
  }
}

function checkInt(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${name} must be an integer from ${min} to ${max} (got ${String(value)})`);
  }
  return value;
}

function checkObject(value: unknown, name: string): value is object {
  if (value === undefined || typeof value === 'boolean') return false;
  if (typeof value !== 'object' || value === null) throw invalid(`${name} must be a boolean or an object`);
  return true;
}

interface Resolved {
  path: string;
  native: NativeFrameOptions;
  endOnUnpublish: boolean;
  wait: boolean | number;
  onError: ((error: RtmpEngineError) => void) | undefined;
}

/** Validates path and options once (throws ERR_RTMP_INVALID_OPTIONS). */
export function resolveFrameOptions(path: unknown, options: unknown): Resolved {
  if (typeof path !== 'string' || !/^[^/]+\/.+$/.test(path)) {
    throw invalid(`path must be "app/name" (got ${JSON.stringify(path)})`);
  }
  const o = (options ?? {}) as OnFramesOptions;
  if (typeof o !== 'object') throw invalid('options must be an object');
  checkKeys(o, OPTION_KEYS, '');
  const native: NativeFrameOptions = {
    video: o.video !== false,
    audio: o.audio !== false,
    pixelFormat: 'yuv420p',
    width: 0,
    height: 0,
    maxFps: 0,
    sampleFormat: 's16',
    sampleRate: 0,
    channels: 0,
    maxVideoFrames: 2,
    maxAudioMs: 200,
  };
  if (checkObject(o.video, 'video')) {
    const v = o.video as VideoFrameOptions;
    checkKeys(v, VIDEO_KEYS, 'video.');
    if (v.format !== undefined && !PIXEL_FORMATS.includes(v.format)) {
      throw invalid(`video.format must be one of ${PIXEL_FORMATS.join(', ')} (got ${String(v.format)})`);
    }
    native.pixelFormat = v.format ?? 'yuv420p';
    native.width = checkInt(v.width, 'video.width', 1, MAX_SIDE) ?? 0;
    native.height = checkInt(v.height, 'video.height', 1, MAX_SIDE) ?? 0;
    if ((native.pixelFormat === 'yuv420p' || native.pixelFormat === 'nv12') && (native.width % 2 || native.height % 2)) {
      throw invalid(`${native.pixelFormat} needs an even video.width and video.height`);
    }
    if (v.maxFps !== undefined && !(typeof v.maxFps === 'number' && Number.isFinite(v.maxFps) && v.maxFps > 0)) {
      throw invalid(`video.maxFps must be a number > 0 (got ${String(v.maxFps)})`);
    }
    native.maxFps = v.maxFps ?? 0;
  }
  if (checkObject(o.audio, 'audio')) {
    const a = o.audio as AudioFrameOptions;
    checkKeys(a, AUDIO_KEYS, 'audio.');
    if (a.format !== undefined && !SAMPLE_FORMATS.includes(a.format)) {
      throw invalid(`audio.format must be one of ${SAMPLE_FORMATS.join(', ')} (got ${String(a.format)})`);
    }
    native.sampleFormat = a.format ?? 's16';
    native.sampleRate = checkInt(a.sampleRate, 'audio.sampleRate', 8000, 384000) ?? 0;
    native.channels = checkInt(a.channels, 'audio.channels', 1, 8) ?? 0;
  }
  if (!native.video && !native.audio) throw invalid('video and audio are both false: nothing to deliver');
  if (o.queue !== undefined) {
    if (typeof o.queue !== 'object' || o.queue === null) throw invalid('queue must be an object');
    checkKeys(o.queue, QUEUE_KEYS, 'queue.');
    native.maxVideoFrames = checkInt(o.queue.videoFrames, 'queue.videoFrames', 1, 1000) ?? 2;
    native.maxAudioMs = checkInt(o.queue.audioMs, 'queue.audioMs', 1, 60000) ?? 200;
  }
  if (o.endOnUnpublish !== undefined && typeof o.endOnUnpublish !== 'boolean') {
    throw invalid('endOnUnpublish must be a boolean');
  }
  const wait = o.wait ?? false;
  if (typeof wait !== 'boolean' && !(typeof wait === 'number' && Number.isFinite(wait) && wait >= 0)) {
    throw invalid(`wait must be a boolean or a number of ms >= 0 (got ${String(wait)})`);
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw invalid('signal must be an AbortSignal');
  if (o.onError !== undefined && typeof o.onError !== 'function') throw invalid('onError must be a function');
  if (o.onEnd !== undefined && typeof o.onEnd !== 'function') throw invalid('onEnd must be a function');
  return { path, native, endOnUnpublish: o.endOnUnpublish ?? false, wait, onError: o.onError };
}

function notFound(path: string, waitedMs?: number): RtmpEngineError {
  const why = waitedMs === undefined ? 'is not being published' : `was not published within ${waitedMs} ms`;
  return new RtmpEngineError(ErrorCodes.STREAM_NOT_FOUND, `rtmp-engine: stream "${path}" ${why}`);
}

function closedError(): RtmpEngineError {
  return new RtmpEngineError(ErrorCodes.SERVER_CLOSED, 'rtmp-engine: frames() needs a listening server');
}

/**
 * The native subscription as an Opener. Frames handed to the feed but not
 * yet taken by the consumer are released when the subscription closes
 * (`taken` is the iterator's/listener's release hook).
 */
function frameOpener(host: FrameHost, r: Resolved): { open: Opener<Frame>; taken: (f: readonly Frame[]) => void } {
  const untaken = new Set<Frame>();
  const taken = (frames: readonly Frame[]): void => {
    for (const f of frames) untaken.delete(f);
  };
  const open: Opener<Frame> = (feed: Feed<Frame>) => {
    const engine = host.engine();
    if (!engine) {
      feed.end(closedError());
      return () => {};
    }
    const releaser: Releaser = (token) => {
      engine.releaseFrame(token);
    };
    let closed = false;
    const onItems = (items: NativeFrameItem[]): void => {
      for (const item of items) {
        if (closed) {
          if (item.kind !== 'error') engine.releaseFrame(item.token);
          continue;
        }
        if (item.kind === 'error') {
          const error = new RtmpEngineError(toErrorCode(item.code), `rtmp-engine: ${r.path}: ${item.message}`);
          try {
            r.onError?.(error);
          } catch (thrown) {
            // Like a throwing event listener; the frames of this batch still go out.
            process.nextTick(() => {
              throw thrown;
            });
          }
          continue;
        }
        const frame = item.kind === 'video' ? new VideoFrame(item, releaser) : new AudioFrame(item, releaser);
        untaken.add(frame);
        feed.push(frame);
      }
    };
    let id: number;
    try {
      id = engine.subscribeFrames(r.path, r.native, onItems);
    } catch (error) {
      feed.end(fromNativeError(error));
      return () => {};
    }
    if (id === 0) {
      feed.end(closedError());
      return () => {};
    }
    let timer: NodeJS.Timeout | undefined;
    const unwatch = host.watchPublishing(r.path, (publishing) => {
      if (publishing) {
        clearTimeout(timer);
        timer = undefined;
      } else if (r.endOnUnpublish) {
        feed.end();
      }
    });
    const forget = host.subscriptions.add(() => feed.end());
    const close = (): void => {
      closed = true;
      clearTimeout(timer);
      unwatch();
      forget();
      engine.unsubscribeFrames(id);
      for (const f of untaken) f.release();
      untaken.clear();
    };
    if (!host.isPublishing(r.path)) {
      if (r.wait === false) feed.end(notFound(r.path));
      else if (typeof r.wait === 'number') {
        const ms = r.wait;
        timer = setTimeout(() => feed.end(notFound(r.path, ms)), ms);
      }
    }
    return close;
  };
  return { open, taken };
}

/** server.frames(): see FrameOptions. Throws ERR_RTMP_INVALID_OPTIONS for bad options. */
export function frames(host: FrameHost, path: string, options?: FrameOptions): AsyncIterableIterator<Frame> {
  const r = resolveFrameOptions(path, options);
  const { open, taken } = frameOpener(host, r);
  return iterate(open, { signal: options?.signal, release: taken });
}

/** server.onFrames(): the callback form; returns the unsubscribe function. */
export function onFrames(
  host: FrameHost,
  path: string,
  options: OnFramesOptions | undefined,
  onFrame: (frame: Frame) => void,
): () => void {
  const r = resolveFrameOptions(path, options);
  if (typeof onFrame !== 'function') throw invalid('the callback must be a function');
  const { open, taken } = frameOpener(host, r);
  return listen(open, onFrame, { signal: options?.signal, release: taken, onEnd: options?.onEnd });
}
