/** `streams`: GOP cache, waiting players and timestamps, for every stream. */
import { z } from 'zod';

import { int, MiB, U32_MAX } from './common';

export type TimestampMode = 'off' | 'monotonic' | 'rebase';

export interface GopCacheOptions {
  /** Longest GOP kept for late joiners, in media milliseconds. Default 10000. */
  maxMs?: number;
  /** Byte cap of the cache per stream. Default 16 MiB. */
  maxBytes?: number;
  /** Frame cap of the cache per stream. Default 1000. */
  maxFrames?: number;
}

export interface StreamOptions {
  /** Keep the last GOP so players start at a keyframe at once. Default true. */
  gopCache?: boolean | GopCacheOptions;
  /** Players of a stream not (yet) published wait for it (up to playWaitMs); false answers StreamNotFound at once. Default true. */
  waitForPublisher?: boolean;
  /**
   * How long a player of a stream nobody publishes waits for a publisher (at
   * play, and again whenever the publisher leaves) before it is answered
   * NetStream.Play.StreamNotFound and closed. Checked once a second. 0 answers
   * at once. Default 30000: a player started a little before its encoder, or an
   * encoder reconnecting, keeps playing; a wrong stream name ends in 30 s.
   */
  playWaitMs?: number;
  /** How publisher timestamps reach players. Default "rebase". */
  timestampMode?: TimestampMode;
  /** Largest onMetaData a stream keeps and forwards, in bytes; a larger one is dropped and counted. Default 64 KiB. */
  maxMetadataBytes?: number;
}

/** `gopCache: true` (the default) means these limits. */
export const GOP_CACHE_DEFAULTS: Readonly<Required<GopCacheOptions>> = Object.freeze({
  maxMs: 10_000,
  maxBytes: 16 * MiB,
  maxFrames: 1_000,
});

export const STREAMS_DEFAULTS = Object.freeze({
  gopCache: GOP_CACHE_DEFAULTS,
  waitForPublisher: true,
  playWaitMs: 30_000,
  timestampMode: 'rebase' as TimestampMode,
  maxMetadataBytes: 64 * 1024,
});

const gopCacheObject = z
  .object({
    maxMs: int(100, 600_000).default(GOP_CACHE_DEFAULTS.maxMs),
    maxBytes: int(64 * 1024, U32_MAX).default(GOP_CACHE_DEFAULTS.maxBytes),
    maxFrames: int(1, 1_000_000).default(GOP_CACHE_DEFAULTS.maxFrames),
  })
  .strict();

const gopCacheSchema = z
  .union([z.boolean(), gopCacheObject], {
    errorMap: () => ({ message: 'must be true, false or { maxMs, maxBytes, maxFrames }' }),
  })
  .default(true)
  .transform((g) => (g === true ? gopCacheObject.parse({}) : g));

export const streamsSchema = z
  .object({
    gopCache: gopCacheSchema,
    waitForPublisher: z.boolean({ invalid_type_error: 'must be true or false' }).default(STREAMS_DEFAULTS.waitForPublisher),
    playWaitMs: int(0, 86_400_000).default(STREAMS_DEFAULTS.playWaitMs),
    timestampMode: z
      .enum(['off', 'monotonic', 'rebase'], {
        errorMap: () => ({ message: 'must be "off", "monotonic" or "rebase"' }),
      })
      .default(STREAMS_DEFAULTS.timestampMode),
    maxMetadataBytes: int(1024, 16 * MiB).default(STREAMS_DEFAULTS.maxMetadataBytes),
  })
  .strict()
  .default({});
