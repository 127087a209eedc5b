/**
 * Typed server events and their mapping from the engine's events. Every
 * session event carries the same base fields (who, which stream, the parsed
 * query); each kind adds its own. A new kind is one case in toServerEvent
 * (and its native shape in types/native.d.ts).
 */
import type { NativeCodec, NativeEvent, NativeEventHeader } from '../types/native';
import { RtmpEngineError, toErrorCode } from './errors';
import { levelName, type LogMethodName } from './logger';
import { parseQuery } from './query';

export interface VideoInfo {
  /** "H264", "HEVC", "AV1", "VP9", … */
  codec: string;
  width: number | null;
  height: number | null;
  fps: number | null;
  /** e.g. "High" */
  profile: string | null;
  /** e.g. "3.1" */
  level: string | null;
  /** From the publisher's metadata, when sent. */
  bitrateKbps: number | null;
}

export interface AudioInfo {
  /** "AAC", "MP3", "Opus", … */
  codec: string;
  sampleRate: number | null;
  channels: number | null;
  /** e.g. "LC" */
  profile: string | null;
  bitrateKbps: number | null;
}

/** What is known about a stream's tracks; null until that track's codec is known. */
export interface CodecInfo {
  video: VideoInfo | null;
  audio: AudioInfo | null;
  /** The publisher's software, from its onMetaData "encoder" (e.g. "obs-output module (libobs version 30.1.2)"). */
  encoder: string | null;
}

export interface SessionEventBase {
  sessionId: number;
  /** Peer address and port. */
  ip: string;
  port: number;
  app: string;
  /** Stream name without its query; "" before publish/play. */
  stream: string;
  /** "app/stream", or just "app" while there is no stream yet. */
  path: string;
  /** Parsed from the connect URL's and stream name's query strings. */
  query: Record<string, string>;
}

export interface ConnectEvent extends SessionEventBase {
  tcUrl: string;
  flashVer: string;
}
export interface PublishEvent extends SessionEventBase {
  codec: CodecInfo;
}
export interface UnpublishEvent extends SessionEventBase {
  bytesIn: number;
  bytesOut: number;
}
export interface PlayEvent extends SessionEventBase {
  /**
   * Nobody publishes the stream yet: the player waits for a publisher up to
   * `streams.playWaitMs`, then is answered NetStream.Play.StreamNotFound and
   * closed. A `playing` event follows if a publisher comes in time.
   */
  waiting: boolean;
}
/** A player that was waiting for a publisher (at play, or after the publisher left) got one. */
export interface PlayingEvent extends SessionEventBase {
  /** How long it waited, in ms. */
  waitedMs: number;
}
export interface StopEvent extends SessionEventBase {
  bytesIn: number;
  bytesOut: number;
}
export interface DisconnectEvent extends SessionEventBase {
  reason: string;
  bytesIn: number;
  bytesOut: number;
}
export interface MetadataEvent extends SessionEventBase {
  codec: CodecInfo;
}
/** A session closed because of an error: an RtmpEngineError with the session's fields. */
export type SessionErrorEvent = RtmpEngineError & SessionEventBase;

export interface LogEvent {
  level: LogMethodName;
  msg: string;
  /** Native component ("net", "session", …). */
  component: string;
  /** Set when the line is about one session. */
  sessionId: number | null;
  /** "app/stream" (or "app") the line is about, when known. */
  stream: string | null;
  /** Remote "ip:port" the line is about, when known. */
  remote: string | null;
}

/** Event name → listener arguments, for the typed EventEmitter. */
/** A publish or play the authorizer (or static keys, or an admin ban) refused, RTMP or HTTP. */
export interface AuthDeniedEvent {
  action: 'publish' | 'play';
  protocol: string;
  app: string;
  stream: string;
  /** "app/stream". */
  path: string;
  ip: string;
  port: number;
  /** The RTMP session id; 0 for HLS/DASH. */
  sessionId: number;
  /** HLS/DASH: the viewer session id. */
  viewerSession?: string;
  reason: string;
}

export interface RtmpServerEventMap {
  connect: [ConnectEvent];
  publish: [PublishEvent];
  unpublish: [UnpublishEvent];
  play: [PlayEvent];
  playing: [PlayingEvent];
  stop: [StopEvent];
  disconnect: [DisconnectEvent];
  metadata: [MetadataEvent];
  error: [SessionErrorEvent];
  log: [LogEvent];
  authDenied: [AuthDeniedEvent];
}

export type RtmpServerEventName = keyof RtmpServerEventMap;

/** One mapped event, discriminated by name. */
export type ServerEvent = {
  [K in RtmpServerEventName]: { name: K; payload: RtmpServerEventMap[K][0] };
}[RtmpServerEventName];

const orNull = <T>(value: T, unknown: T): T | null => (value === unknown ? null : value);

export function toCodecInfo(c: NativeCodec): CodecInfo {
  return {
    video:
      c.videoCodec === ''
        ? null
        : {
            codec: c.videoCodec,
            width: orNull(c.width, 0),
            height: orNull(c.height, 0),
            fps: orNull(c.fps, 0),
            profile: orNull(c.videoProfile, ''),
            level: orNull(c.videoLevel, ''),
            bitrateKbps: orNull(c.videoBitrateKbps, 0),
          },
    audio:
      c.audioCodec === ''
        ? null
        : {
            codec: c.audioCodec,
            sampleRate: orNull(c.audioSampleRate, 0),
            channels: orNull(c.audioChannels, 0),
            profile: orNull(c.audioProfile, ''),
            bitrateKbps: orNull(c.audioBitrateKbps, 0),
          },
    encoder: orNull(c.encoder ?? '', ''),
  };
}

export function streamPath(app: string, stream: string): string {
  return stream === '' ? app : `${app}/${stream}`;
}

function base(e: NativeEventHeader): SessionEventBase {
  return {
    sessionId: e.sessionId,
    ip: e.ip,
    port: e.port,
    app: e.app,
    stream: e.stream,
    path: streamPath(e.app, e.stream),
    query: parseQuery(e.query),
  };
}

/** Maps one engine event to its typed server event. */
export function toServerEvent(e: NativeEvent): ServerEvent {
  switch (e.kind) {
    case 'connect':
      return { name: 'connect', payload: { ...base(e), tcUrl: e.tcUrl, flashVer: e.flashVer } };
    case 'publish':
      return { name: 'publish', payload: { ...base(e), codec: toCodecInfo(e.codec) } };
    case 'unpublish':
      return { name: 'unpublish', payload: { ...base(e), bytesIn: e.bytesIn, bytesOut: e.bytesOut } };
    case 'play':
      return { name: 'play', payload: { ...base(e), waiting: e.waiting } };
    case 'playing':
      return { name: 'playing', payload: { ...base(e), waitedMs: e.waitedMs } };
    case 'stop':
      return { name: 'stop', payload: { ...base(e), bytesIn: e.bytesIn, bytesOut: e.bytesOut } };
    case 'disconnect':
      return {
        name: 'disconnect',
        payload: { ...base(e), reason: e.reason, bytesIn: e.bytesIn, bytesOut: e.bytesOut },
      };
    case 'metadata':
      return { name: 'metadata', payload: { ...base(e), codec: toCodecInfo(e.codec) } };
    case 'error': {
      const error = new RtmpEngineError(toErrorCode(e.code), e.reason || 'session error');
      return { name: 'error', payload: Object.assign(error, base(e)) };
    }
    case 'log':
      return {
        name: 'log',
        payload: {
          level: levelName(e.level),
          msg: e.message,
          component: e.component,
          sessionId: e.sessionId === 0 ? null : e.sessionId,
          stream: e.app === '' ? null : streamPath(e.app, e.stream),
          remote: e.ip === '' ? null : `${e.ip}:${e.port}`,
        },
      };
    case 'authorize':
      // Answered by the server (RtmpServer.authorize), never emitted.
      throw new Error('authorize events are answered, not emitted');
  }
}
