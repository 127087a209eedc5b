/** Typed snapshots of live state (server.sessions(), server.streams()). */
import type {
  NativeHandshakeFailureReason,
  NativeIpAction,
  NativeIpRefusalRule,
  NativeStreamTiming,
  NativeIngestDropReason,
  NativeIngestDrops,
  NativeLimitName,
  NativeSessionRole,
  NativeStats,
} from '../types/native';
import { type CodecInfo, streamPath, toCodecInfo } from './events';

export type SessionRole = NativeSessionRole;

/** A configured limit that turns sessions away or closes them (see docs/operations.md). */
export type LimitName = NativeLimitName;
/** Every limit, in the engine's order. */
export const LIMIT_NAMES: readonly LimitName[] = [
  'connections',
  'connectionsPerIp',
  'publishers',
  'playersPerStream',
  'pendingConnections',
  'pendingPerIp',
  'ingestRate',
  'partialMessageBytes',
  'pendingOutputBytes',
  'authBan',
];
/** Refusals (or closes) by each limit since listen(); every limit present. */
export type LimitRefusals = Record<LimitName, number>;

/** A record with every key at 0. */
function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

export function noLimitRefusals(): LimitRefusals {
  return zeros(LIMIT_NAMES);
}

/**
 * Why an RTMP handshake failed: `version` (C0 asked for another RTMP version:
 * RTMPE, TLS or HTTP on the plain port), `digest`, `state` (bytes out of
 * order), `tls` (RTMPS: TLS failed before the RTMP handshake completed),
 * `timeout` (not completed within `rtmp.handshakeTimeoutMs`).
 */
export type HandshakeFailureReason = NativeHandshakeFailureReason;
export const HANDSHAKE_FAILURE_REASONS: readonly HandshakeFailureReason[] = ['version', 'digest', 'state', 'tls', 'timeout'];
/** Failed handshakes since listen(), by listener and reason; every reason present. */
export type HandshakeFailures = Record<'rtmp' | 'rtmps', Record<HandshakeFailureReason, number>>;

/**
 * Which IP rule refused a client: `deny` (a deny rule matched), `notAllowed`
 * (no rule matched and the default denies: an allow list), `ban` (banned after
 * failed authorizations; refused at accept, listed under `connect`).
 */
export type IpRefusalRule = NativeIpRefusalRule;
export type IpAction = NativeIpAction;
export const IP_REFUSAL_RULES: readonly IpRefusalRule[] = ['deny', 'notAllowed', 'ban'];
export const IP_ACTIONS: readonly IpAction[] = ['connect', 'publish', 'play'];
/** Refusals by an IP rule since listen(), by rule and door; every pair present. */
export type IpRefusals = Record<IpRefusalRule, Record<IpAction, number>>;

export function noHandshakeFailures(): HandshakeFailures {
  return { rtmp: zeros(HANDSHAKE_FAILURE_REASONS), rtmps: zeros(HANDSHAKE_FAILURE_REASONS) };
}

export function noIpRefusals(): IpRefusals {
  return { deny: zeros(IP_ACTIONS), notAllowed: zeros(IP_ACTIONS), ban: zeros(IP_ACTIONS) };
}

/**
 * Why a publisher's audio/video/data message was not forwarded:
 * - `malformed`: not a message the engine could classify (bad FLV tag header);
 * - `empty`: audio/video without any payload;
 * - `tooLarge`: could not be re-chunked for players;
 * - `notPublishing`: media on a stream the session does not publish on;
 * - `authDenied`: sent right behind `publish` while the authorizer decided, which said no;
 * - `authOverflow`: sent behind `publish` while the authorizer decided, past what is held;
 * - `metadataTooLarge`: an `onMetaData` over `streams.maxMetadataBytes` (neither kept nor forwarded).
 * Names are stable; reasons may be added.
 */
export type IngestDropReason = NativeIngestDropReason;
/** One counter per reason; every reason is present. */
export type IngestDrops = Record<IngestDropReason, number>;

export interface SessionInfo {
  id: number;
  ip: string;
  port: number;
  /** The listener the session came through: "rtmps" for the TLS one. */
  protocol: 'rtmp' | 'rtmps';
  /** "unknown" until the session publishes or plays. */
  role: SessionRole;
  app: string;
  stream: string;
  path: string;
  /** Unix ms. */
  connectedAtMs: number;
  bytesIn: number;
  bytesOut: number;
  /** Players: frames dropped because the player was too slow (droppedVideo + droppedAudio). */
  droppedFrames: number;
  /** Players: video frames dropped for being slow (to the next keyframe). */
  droppedVideo: number;
  /** Players: audio frames dropped for being slow (only past the queue's byte cap). */
  droppedAudio: number;
  /** Publishers: their messages that were not forwarded, by reason. */
  ingestDrops: IngestDrops;
  /** I/O loop the session lives on. */
  loop: number;
  /** Players: no publisher yet (or it left); answered StreamNotFound after `streams.playWaitMs`. */
  waiting: boolean;
}

/** An address banned for failed authorizations (server.bans()). */
export interface IpBan {
  /** Dotted quad for IPv4 (also when it came in IPv4-mapped), RFC 5952 text for IPv6. */
  ip: string;
  /** e.g. "5 failed authorizations within 60 s (last: unknown stream key)". */
  reason: string;
  /** Time left, in ms, when bans() was called. */
  remainingMs: number;
  /** When the ban ends, unix ms. */
  untilMs: number;
}

/**
 * Keyframe interval, GOP length and A/V skew of a publish, kept by the engine
 * as frames arrive (every stream, all the time):
 * - `keyframeIntervalMs`: DTS distance between the last two video keyframes
 *   (the duration of the last complete GOP); null before two keyframes;
 * - `gopFrames`: video frames in that GOP (`-g 60` gives 60);
 * - `avSkewMs`: latest video DTS minus latest audio DTS, sampled at every frame
 *   and smoothed (about half a second); positive when video runs ahead; null
 *   unless both tracks have frames;
 * - `framesSinceKeyframe`, `keyframes`: the open GOP so far, keyframes this publish.
 * Timestamps going backwards are not measured across (see docs/http-api.md).
 */
export type StreamTiming = NativeStreamTiming;

export interface StreamInfo {
  app: string;
  stream: string;
  path: string;
  publisherId: number;
  /** Unix ms. */
  startedAtMs: number;
  players: number;
  codec: CodecInfo;
  bytesIn: number;
  videoFrames: number;
  audioFrames: number;
  /** overflows: GOPs given up for outgrowing a bound, since the stream appeared. */
  gopCache: { frames: number; bytes: number; overflows: number };
  /** The publisher's messages that were not forwarded, by reason (current publish). */
  ingestDrops: IngestDrops;
  /** Keyframe interval, GOP and A/V skew of the current publish. */
  timing: StreamTiming;
}

function copyDrops(drops: NativeIngestDrops): IngestDrops {
  return { ...drops };
}

export function toSessionInfos(stats: NativeStats): SessionInfo[] {
  return stats.sessions.map((s) => ({
    id: s.id,
    ip: s.ip,
    port: s.port,
    protocol: s.tls ? 'rtmps' : 'rtmp',
    role: s.role,
    app: s.app,
    stream: s.stream,
    path: streamPath(s.app, s.stream),
    connectedAtMs: s.connectedAtMs,
    bytesIn: s.bytesIn,
    bytesOut: s.bytesOut,
    droppedFrames: s.droppedFrames,
    droppedVideo: s.droppedVideo,
    droppedAudio: s.droppedAudio,
    ingestDrops: copyDrops(s.ingestDrops),
    loop: s.loop,
    waiting: s.waiting,
  }));
}

export function toStreamInfos(stats: NativeStats): StreamInfo[] {
  return stats.streams.map((s) => ({
    app: s.app,
    stream: s.stream,
    path: streamPath(s.app, s.stream),
    publisherId: s.publisherId,
    startedAtMs: s.startedAtMs,
    players: s.players,
    codec: toCodecInfo(s.codec),
    bytesIn: s.bytesIn,
    videoFrames: s.videoFrames,
    audioFrames: s.audioFrames,
    gopCache: { frames: s.gopCacheFrames, bytes: s.gopCacheBytes, overflows: s.gopCacheOverflows },
    ingestDrops: copyDrops(s.ingestDrops),
    timing: { ...s.timing },
  }));
}
