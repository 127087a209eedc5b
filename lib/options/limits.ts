/** `limits`: caps the engine checks itself (no JavaScript round trip). */
import { z } from 'zod';

import { int } from './common';

/** Limits checked by the engine itself (no JavaScript round trip). 0 = no limit. */
export interface LimitOptions {
  /** Connected sessions at once; past it, connect gets NetConnection.Connect.Rejected. Default 1000. */
  maxConnections?: number;
  /** Connected sessions at once from one IP address. Default 0 (no limit). */
  maxConnectionsPerIp?: number;
  /** Connections without an RTMP connect yet, in the whole server; past it the oldest is closed. Default 256. */
  maxPendingConnections?: number;
  /** Connections without an RTMP connect yet from one IP address; past it that address's oldest is closed. Default 16. */
  maxPendingPerIp?: number;
  /** Publishing sessions at once; past it, publish gets NetStream.Publish.Denied. Default 10. */
  maxPublishers?: number;
  /** Players of one stream at once; past it, play gets NetStream.Play.Failed. Default 0 (no limit). */
  maxPlayersPerStream?: number;
  /** A publisher's media bitrate, averaged over 5 s, in kbit/s. Default 0 (no limit). */
  maxIngestKbps?: number;
  /** Past maxIngestKbps: "warn" logs it (every 30 s); "drop" closes the publisher (NetStream.Failed). Default "warn". */
  ingestOverLimit?: 'warn' | 'drop';
}

export const LIMITS_DEFAULTS: Readonly<Required<LimitOptions>> = Object.freeze({
  maxConnections: 1_000,
  maxConnectionsPerIp: 0,
  maxPublishers: 10,
  maxPlayersPerStream: 0,
  maxIngestKbps: 0,
  ingestOverLimit: 'warn',
  maxPendingConnections: 256,
  maxPendingPerIp: 16,
});

export const limitsSchema = z
  .object({
    maxConnections: int(0, 1_000_000).default(LIMITS_DEFAULTS.maxConnections),
    maxConnectionsPerIp: int(0, 1_000_000).default(LIMITS_DEFAULTS.maxConnectionsPerIp),
    maxPublishers: int(0, 1_000_000).default(LIMITS_DEFAULTS.maxPublishers),
    maxPlayersPerStream: int(0, 1_000_000).default(LIMITS_DEFAULTS.maxPlayersPerStream),
    maxIngestKbps: int(0, 10_000_000).default(LIMITS_DEFAULTS.maxIngestKbps),
    ingestOverLimit: z
      .enum(['warn', 'drop'], { errorMap: () => ({ message: 'must be "warn" or "drop"' }) })
      .default(LIMITS_DEFAULTS.ingestOverLimit),
    maxPendingConnections: int(0, 1_000_000).default(LIMITS_DEFAULTS.maxPendingConnections),
    maxPendingPerIp: int(0, 1_000_000).default(LIMITS_DEFAULTS.maxPendingPerIp),
  })
  .strict()
  .default({});
