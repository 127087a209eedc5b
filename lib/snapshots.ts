/** Typed snapshots of live state (server.sessions(), server.streams()). */
import type {
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

export function noLimitRefusals(): LimitRefusals {
  return Object.fromEntries(LIMIT_NAMES.map((n) => [n, 0])) as LimitRefusals;
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
}

function copyDrops(drops: NativeIngestDrops): IngestDrops {
  return { ...drops };
}

export function toSessionInfos(stats: NativeStats): SessionInfo[] {
  return stats.sessions.map((s) => ({
    id: s.id,
    ip: s.ip,
    port: s.port,
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
  }));
}
