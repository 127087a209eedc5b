/** `rtmp`: the RTMP listener and protocol limits. */
import { z } from 'zod';

import { hostSchema, int, MiB, portSchema } from './common';

export interface RtmpOptions {
  /** IPv4/IPv6 literal to listen on ("localhost" means 127.0.0.1). Default "0.0.0.0". */
  host?: string;
  /** TCP port; 0 picks a free one. Default 1935. */
  port?: number;
  /** I/O loop threads; 0 = one per CPU core. Default 0. */
  ioThreads?: number;
  /** Outgoing RTMP chunk size (our Set Chunk Size). Default 4096. */
  chunkSize?: number;
  /** Largest message a peer may send, in bytes. Default 16 MiB. */
  maxMessageSize?: number;
  /**
   * Bytes all connections together may hold in messages still arriving; past it
   * the connection holding the most is closed. 0 = no engine-wide bound. Default 256 MiB.
   */
  maxPartialMessageBytes?: number;
  /** Time allowed to complete the handshake. Default 10000. */
  handshakeTimeoutMs?: number;
  /** A session with no media and no command for this long is closed (players are exempt). Default 30000. */
  idleTimeoutMs?: number;
  /** Time from the handshake to an RTMP `connect`; 0 = no limit. Default 10000. */
  connectTimeoutMs?: number;
  /** Time from `connect` (or the end of a publish/play) to the next publish or play; 0 = no limit. Default 30000. */
  playPublishTimeoutMs?: number;
  /** A session with output queued that the peer takes none of for this long is closed (players too); 0 = no limit. Default 30000. */
  writeTimeoutMs?: number;
  /** Window Acknowledgement Size we announce. Default 2500000. */
  windowAckSize?: number;
  /** Set Peer Bandwidth we announce. Default 2500000. */
  peerBandwidth?: number;
  /**
   * Bytes of replies (pongs, acks, command results, statuses; not media) a session may have
   * waiting for a peer that does not read them; past it the session is closed. Default 1 MiB.
   */
  maxPendingOutputBytes?: number;
}

export const RTMP_DEFAULTS: Readonly<Required<RtmpOptions>> = Object.freeze({
  host: '0.0.0.0',
  port: 1935,
  ioThreads: 0,
  chunkSize: 4096,
  maxMessageSize: 16 * MiB,
  maxPartialMessageBytes: 256 * MiB,
  handshakeTimeoutMs: 10_000,
  idleTimeoutMs: 30_000,
  connectTimeoutMs: 10_000,
  playPublishTimeoutMs: 30_000,
  writeTimeoutMs: 30_000,
  windowAckSize: 2_500_000,
  peerBandwidth: 2_500_000,
  maxPendingOutputBytes: MiB,
});

export const rtmpSchema = z
  .object({
    host: hostSchema.default(RTMP_DEFAULTS.host),
    port: portSchema.default(RTMP_DEFAULTS.port),
    ioThreads: int(0, 256).default(RTMP_DEFAULTS.ioThreads),
    chunkSize: int(128, 65536).default(RTMP_DEFAULTS.chunkSize),
    maxMessageSize: int(4096, 16 * MiB).default(RTMP_DEFAULTS.maxMessageSize),
    maxPartialMessageBytes: int(0, 0xffffffff).default(RTMP_DEFAULTS.maxPartialMessageBytes),
    handshakeTimeoutMs: int(100, 600_000).default(RTMP_DEFAULTS.handshakeTimeoutMs),
    idleTimeoutMs: int(1_000, 86_400_000).default(RTMP_DEFAULTS.idleTimeoutMs),
    connectTimeoutMs: int(0, 600_000).default(RTMP_DEFAULTS.connectTimeoutMs),
    playPublishTimeoutMs: int(0, 86_400_000).default(RTMP_DEFAULTS.playPublishTimeoutMs),
    writeTimeoutMs: int(0, 86_400_000).default(RTMP_DEFAULTS.writeTimeoutMs),
    windowAckSize: int(1024, 0x7fffffff).default(RTMP_DEFAULTS.windowAckSize),
    peerBandwidth: int(1024, 0x7fffffff).default(RTMP_DEFAULTS.peerBandwidth),
    maxPendingOutputBytes: int(64 * 1024, 1024 * MiB).default(RTMP_DEFAULTS.maxPendingOutputBytes),
  })
  .strict()
  .default({});
