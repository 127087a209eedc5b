/**
 * Resolved options → the flat struct the engine reads (NativeEngineConfig in
 * types/native.d.ts, EngineConfig in native/server/engine_config.h).
 */
import type { NativeEngineConfig } from '../types/native';
import { LOG_LEVEL_VALUES } from './logger';
import { DEFAULTS, type ResolvedOptions } from './options';

/** AMF decoder limits: not user options (yet); the engine's defaults. */
const AMF_MAX_DEPTH = 32;
const AMF_MAX_STRING = 64 * 1024;

/** `authHook`: an authorizer is registered (server.authorize), so publish/play wait for it. */
export function toNativeConfig(options: ResolvedOptions, authHook = false): NativeEngineConfig {
  const { rtmp, streams, players, limits, access, auth } = options;
  const gop = streams.gopCache;
  return {
    host: rtmp.host,
    port: rtmp.port,
    ioThreads: rtmp.ioThreads,
    rtmps: options.rtmps !== false,
    rtmpsHost: options.rtmps ? options.rtmps.host : '',
    rtmpsPort: options.rtmps ? options.rtmps.port : 0,
    tlsCertFile: options.rtmps ? options.rtmps.cert : '',
    tlsKeyFile: options.rtmps ? options.rtmps.key : '',
    tlsCiphers: options.rtmps ? options.rtmps.ciphers : '',
    tlsCipherSuites: options.rtmps ? options.rtmps.cipherSuites : '',
    handshakeTimeoutMs: rtmp.handshakeTimeoutMs,
    idleTimeoutMs: rtmp.idleTimeoutMs,
    outChunkSize: rtmp.chunkSize,
    maxMessageSize: rtmp.maxMessageSize,
    windowAckSize: rtmp.windowAckSize,
    peerBandwidth: rtmp.peerBandwidth,
    amfMaxDepth: AMF_MAX_DEPTH,
    amfMaxString: AMF_MAX_STRING,
    gopCache: gop !== false,
    gopCacheMaxMs: gop ? gop.maxMs : DEFAULTS.gopCacheMaxMs,
    gopCacheMaxBytes: gop ? gop.maxBytes : DEFAULTS.gopCacheMaxBytes,
    gopCacheMaxFrames: gop ? gop.maxFrames : DEFAULTS.gopCacheMaxFrames,
    waitForPublisher: streams.waitForPublisher,
    timestampMode: streams.timestampMode,
    playerQueueMs: players.queueMs,
    playerQueueMaxBytes: players.queueMaxBytes,
    mergeWritesMs: players.mergeWritesMs,
    authHook,
    authTimeoutMs: auth.timeoutMs,
    authTimeoutAllows: auth.onTimeout === 'allow',
    authFailLimit: auth.maxFailures,
    authFailWindowMs: auth.failureWindowMs,
    authBanMs: auth.banMs,
    maxConnections: limits.maxConnections,
    maxConnectionsPerIp: limits.maxConnectionsPerIp,
    maxPublishers: limits.maxPublishers,
    maxPlayersPerStream: limits.maxPlayersPerStream,
    maxIngestKbps: limits.maxIngestKbps,
    dropOverIngestLimit: limits.ingestOverLimit === 'drop',
    ipRules: access.rules.map((r) => ({ action: r.on, app: r.app, allow: r.policy === 'allow', cidr: r.cidr })),
    ipDefaultAllow: access.default === 'allow',
    logLevel: LOG_LEVEL_VALUES[options.logLevel],
  };
}
