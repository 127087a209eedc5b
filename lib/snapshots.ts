/** Typed snapshots of live state (server.sessions(), server.streams()). */
import type { NativeSessionRole, NativeStats } from '../types/native';
import { type CodecInfo, streamPath, toCodecInfo } from './events';

export type SessionRole = NativeSessionRole;

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
  /** Players: video frames dropped because the player was too slow. */
  droppedFrames: number;
  /** I/O loop the session lives on. */
  loop: number;
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
  gopCache: { frames: number; bytes: number };
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
    loop: s.loop,
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
    gopCache: { frames: s.gopCacheFrames, bytes: s.gopCacheBytes },
  }));
}
