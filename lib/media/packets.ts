/**
 * `server.packets()` / `server.onPackets()`: a live stream's encoded access
 * units, shaped to feed WebCodecs directly:
 *
 *   for await (const p of server.packets('live/cam', { audio: false })) {
 *     if (p.decoderConfig) decoder.configure(p.decoderConfig);
 *     decoder.decode(new EncodedVideoChunk({ type: p.type, timestamp: p.timestampUs, data: p.data }));
 *   }
 *
 * The engine side is a PacketTap (native/server/packet_tap.h) per
 * subscription; its drop rules (count, skip video to the next keyframe) are
 * the only ones: see subscription.ts for why nothing queues unbounded here.
 */
import type { NativeEngine, NativePacket, NativePacketItem, NativePacketOptions } from '../../types/native';
import { ErrorCodes, RtmpEngineError } from '../errors';
import { type Feed, iterate, listen, type Opener, type SubscriptionSet } from './subscription';

export interface PacketQueueOptions {
  /** Packets the engine holds for this subscription (delivered, not yet taken) before it drops. Default 256. */
  maxPackets?: number;
  /** The same bound in data bytes. Default 16 MiB. */
  maxBytes?: number;
}

export interface PacketOptions {
  /** Video packets (default true). */
  video?: boolean;
  /** Audio packets (default true). */
  audio?: boolean;
  queue?: PacketQueueOptions;
  /** End the iteration when the publisher leaves (default: keep going; a republish is a discontinuity). */
  endOnUnpublish?: boolean;
  /**
   * When nobody publishes the stream yet: false (default) rejects with
   * ERR_RTMP_STREAM_NOT_FOUND, true waits for a publisher, a number waits that
   * many ms, then rejects with ERR_RTMP_STREAM_NOT_FOUND.
   */
  wait?: boolean | number;
  /** Aborting ends the subscription; a pending next() rejects with an AbortError (code ABORT_ERR). */
  signal?: AbortSignal;
}

export interface OnPacketsOptions extends PacketOptions {
  /** Called once if the subscription ends by itself: error (not found, aborted) or undefined (endOnUnpublish, server closed). */
  onEnd?: (error?: Error) => void;
}

/** What VideoDecoder.configure() takes. */
export interface VideoDecoderConfigInit {
  codec: string;
  description?: Uint8Array;
  codedWidth?: number;
  codedHeight?: number;
}

/** What AudioDecoder.configure() takes. */
export interface AudioDecoderConfigInit {
  codec: string;
  sampleRate: number;
  numberOfChannels: number;
  description?: Uint8Array;
}

interface PacketBase {
  /** RFC 6381 codec string ("avc1.64001f", "hvc1.1.6.L93.B0", "av01.0.08M.08", "mp4a.40.2") or "mp3", "opus"… */
  codec: string;
  /** ms on the stream timeline (= dts). */
  timestamp: number;
  /** ms. */
  pts: number;
  /** ms. */
  dts: number;
  keyframe: boolean;
  /** For EncodedVideoChunk / EncodedAudioChunk: 'key' | 'delta'. */
  type: 'key' | 'delta';
  /** pts in microseconds, the WebCodecs chunk timestamp. */
  timestampUs: number;
  /** The codec bytes: length-prefixed NAL units (H.264/HEVC), AV1 OBUs, raw AAC frames. */
  data: Buffer;
  /** Decoder description record (avcC, hvcC, av1C, AudioSpecificConfig): first packet and after a change. */
  description?: Buffer;
  /** Packets the engine dropped since the previous one this subscription received. */
  droppedBefore: number;
  /** First packet after the publisher came back. */
  discontinuity: boolean;
}

export interface VideoPacket extends PacketBase {
  kind: 'video';
  width?: number;
  height?: number;
  /** On the first video packet and whenever the decoder must be (re)configured. */
  decoderConfig?: VideoDecoderConfigInit;
}

export interface AudioPacket extends PacketBase {
  kind: 'audio';
  sampleRate?: number;
  channels?: number;
  /** On the first audio packet and whenever the decoder must be (re)configured. */
  decoderConfig?: AudioDecoderConfigInit;
}

export type Packet = VideoPacket | AudioPacket;

/** @internal What packets() needs from the server. */
export interface PacketHost {
  engine(): NativeEngine | undefined;
  subscriptions: SubscriptionSet;
}

const DEFAULT_MAX_PACKETS = 256;
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
const OPTION_KEYS = ['video', 'audio', 'queue', 'endOnUnpublish', 'wait', 'signal', 'onEnd'];
const QUEUE_KEYS = ['maxPackets', 'maxBytes'];

function invalid(message: string): RtmpEngineError {
  return new RtmpEngineError(ErrorCodes.INVALID_OPTIONS, `rtmp-engine: packets(): ${message}`);
}

function checkKeys(value: object, known: string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw invalid(`unknown option ${where}${key} (known: ${known.join(', ')})`);
  }
}

function checkCount(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > Number.MAX_SAFE_INTEGER) {
    throw invalid(`${name} must be an integer >= 1 (got ${String(value)})`);
  }
  return value;
}

interface Resolved {
  path: string;
  native: NativePacketOptions;
  endOnUnpublish: boolean;
  /** false: reject at once; true: forever; number: ms. */
  wait: boolean | number;
}

/** Validates path and options once (throws ERR_RTMP_INVALID_OPTIONS). */
export function resolvePacketOptions(path: unknown, options: unknown): Resolved {
  if (typeof path !== 'string' || !/^[^/]+\/.+$/.test(path)) {
    throw invalid(`path must be "app/name" (got ${JSON.stringify(path)})`);
  }
  const o = (options ?? {}) as OnPacketsOptions;
  if (typeof o !== 'object') throw invalid('options must be an object');
  checkKeys(o, OPTION_KEYS, '');
  for (const key of ['video', 'audio', 'endOnUnpublish'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') throw invalid(`${key} must be a boolean`);
  }
  const video = o.video ?? true;
  const audio = o.audio ?? true;
  if (!video && !audio) throw invalid('video and audio are both false: nothing to deliver');
  if (o.queue !== undefined && (typeof o.queue !== 'object' || o.queue === null)) throw invalid('queue must be an object');
  if (o.queue) checkKeys(o.queue, QUEUE_KEYS, 'queue.');
  const maxItems = checkCount(o.queue?.maxPackets, 'queue.maxPackets') ?? DEFAULT_MAX_PACKETS;
  const maxBytes = checkCount(o.queue?.maxBytes, 'queue.maxBytes') ?? DEFAULT_MAX_BYTES;
  const wait = o.wait ?? false;
  if (typeof wait !== 'boolean' && !(typeof wait === 'number' && Number.isFinite(wait) && wait >= 0)) {
    throw invalid(`wait must be a boolean or a number of ms >= 0 (got ${String(wait)})`);
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw invalid('signal must be an AbortSignal');
  if (o.onEnd !== undefined && typeof o.onEnd !== 'function') throw invalid('onEnd must be a function');
  return { path, native: { video, audio, maxItems, maxBytes }, endOnUnpublish: o.endOnUnpublish ?? false, wait };
}

/** Adds the WebCodecs-shaped fields; tracks per kind what the decoder was last configured with. */
class PacketShaper {
  private video: string | undefined;
  private audio: string | undefined;

  shape(n: NativePacket): Packet {
    const base = { ...n, type: n.keyframe ? ('key' as const) : ('delta' as const), timestampUs: n.pts * 1000 };
    if (n.kind === 'video') {
      const p: VideoPacket = { ...base, kind: 'video' };
      const key = `${n.codec}/${n.width}/${n.height}`;
      if (n.description || this.video !== key || n.discontinuity) {
        this.video = key;
        p.decoderConfig = {
          codec: n.codec,
          ...(n.description ? { description: n.description } : {}),
          ...(n.width ? { codedWidth: n.width } : {}),
          ...(n.height ? { codedHeight: n.height } : {}),
        };
      }
      return p;
    }
    const p: AudioPacket = { ...base, kind: 'audio' };
    const key = `${n.codec}/${n.sampleRate}/${n.channels}`;
    if (n.description || this.audio !== key || n.discontinuity) {
      this.audio = key;
      p.decoderConfig = {
        codec: n.codec,
        sampleRate: n.sampleRate ?? 0,
        numberOfChannels: n.channels ?? 0,
        ...(n.description ? { description: n.description } : {}),
      };
    }
    return p;
  }
}

function notFound(path: string, waitedMs?: number): RtmpEngineError {
  const why = waitedMs === undefined ? 'is not being published' : `was not published within ${waitedMs} ms`;
  return new RtmpEngineError(ErrorCodes.STREAM_NOT_FOUND, `rtmp-engine: stream "${path}" ${why}`);
}

/** The native subscription as an Opener: state items become wait/end decisions. */
function packetOpener(host: PacketHost, r: Resolved): { open: Opener<Packet>; release: (p: readonly Packet[]) => void } {
  let id = 0;
  let engine: NativeEngine | undefined;
  const release = (packets: readonly Packet[]): void => {
    if (id === 0 || !engine) return;
    let bytes = 0;
    for (const p of packets) bytes += p.data.length;
    engine.releasePackets(id, packets.length, bytes);
  };
  const open: Opener<Packet> = (feed: Feed<Packet>) => {
    engine = host.engine();
    if (!engine) {
      feed.end(new RtmpEngineError(ErrorCodes.SERVER_CLOSED, 'rtmp-engine: packets() needs a listening server'));
      return () => {};
    }
    const shaper = new PacketShaper();
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    let seenState = false;
    const onItems = (items: NativePacketItem[]): void => {
      for (const item of items) {
        if (closed) return;
        if (item.kind !== 'state') {
          feed.push(shaper.shape(item));
          continue;
        }
        if (item.publishing) {
          clearTimeout(timer);
          timer = undefined;
        } else if (!seenState) {
          // Nobody publishes at subscribe time.
          if (r.wait === false) feed.end(notFound(r.path));
          else if (typeof r.wait === 'number') {
            const ms = r.wait;
            timer = setTimeout(() => feed.end(notFound(r.path, ms)), ms);
          }
        } else if (r.endOnUnpublish) {
          feed.end();
        }
        seenState = true;
      }
    };
    id = engine.subscribePackets(r.path, r.native, onItems);
    if (id === 0) {
      feed.end(new RtmpEngineError(ErrorCodes.SERVER_CLOSED, 'rtmp-engine: packets() needs a listening server'));
      return () => {};
    }
    const native = engine;
    const forget = host.subscriptions.add(() => feed.end());
    return () => {
      closed = true;
      clearTimeout(timer);
      forget();
      native.unsubscribePackets(id);
      id = 0;
    };
  };
  return { open, release };
}

/** server.packets(): see PacketOptions. Throws ERR_RTMP_INVALID_OPTIONS for bad options. */
export function packets(host: PacketHost, path: string, options?: PacketOptions): AsyncIterableIterator<Packet> {
  const r = resolvePacketOptions(path, options);
  const { open, release } = packetOpener(host, r);
  return iterate(open, { signal: options?.signal, release });
}

/** server.onPackets(): the callback form; returns the unsubscribe function. */
export function onPackets(
  host: PacketHost,
  path: string,
  options: OnPacketsOptions | undefined,
  onPacket: (packet: Packet) => void,
): () => void {
  const r = resolvePacketOptions(path, options);
  if (typeof onPacket !== 'function') throw invalid('the callback must be a function');
  const { open, release } = packetOpener(host, r);
  return listen(open, onPacket, { signal: options?.signal, release, onEnd: options?.onEnd });
}
