/**
 * `hls`: HLS / LL-HLS / DASH. The engine's segmenter (a publish tap on the
 * publisher's loop, native/server/hls_tap.h) cuts every stream it is enabled
 * for into CMAF parts and segments; the TypeScript store keeps a window of them
 * in memory and serves it. `hls: false` turns it off (resolved as `enabled: false`).
 *
 * The engine uses enabled, apps, format, segmentDuration, partDuration and
 * maxSegmentBytes; windowSegments, maxStreamBytes, endAfter and partHoldBack
 * belong to the store (lib/http/hls/), folder and folderVod to the folder writer
 * (lib/hls-folder/).
 */
import { z } from 'zod';

import { int, MiB, U32_MAX } from './common';

export type HlsFormat = 'fmp4' | 'ts';

export interface HlsOptions {
  /** Segment streams for HLS/DASH. Default true (`hls: false` is the same as `enabled: false`). */
  enabled?: boolean;
  /** Apps whose streams are segmented; empty (default) = every app. The authorize answer's `hls` overrides per stream. */
  apps?: string[];
  /** "fmp4" (CMAF, LL-HLS parts, DASH) or "ts" (MPEG-TS segments for old players, no parts). Default "fmp4". */
  format?: HlsFormat;
  /** Target segment duration in seconds; segments start at keyframes, so a longer GOP makes a longer segment. Default 2. */
  segmentDuration?: number;
  /** LL-HLS part target in seconds; 0 = no parts (classic HLS). Default 0.2. */
  partDuration?: number;
  /**
   * LL-HLS: how far behind the newest part a player should start, in parts
   * (PART-HOLD-BACK = this × PART-TARGET). RFC 8216bis §4.4.3.8 requires at
   * least 2 and recommends 3; 2 is about one part (0.2 s) less latency, with
   * less room for a late part. Default 3.
   */
  partHoldBack?: number;
  /** Segments kept in each stream's playlist window. Default 6. */
  windowSegments?: number;
  /** Bytes one stream's window may hold in memory. Default 64 MiB. */
  maxStreamBytes?: number;
  /** Seconds after the publisher is gone before the playlist ends (EXT-X-ENDLIST). Default 30. */
  endAfter?: number;
  /** Also write segments and playlists under this folder; "" (default) = memory only. */
  folder?: string;
  /**
   * With `folder`: keep every segment on disk and end each stream with a VOD
   * playlist (EXT-X-PLAYLIST-TYPE:VOD) instead of a live window. Default false.
   */
  folderVod?: boolean;
  /**
   * A segment is cut at this size even without a keyframe (a publisher that
   * never sends one must not grow memory); such cuts are counted. Default 32 MiB.
   */
  maxSegmentBytes?: number;
}

export const HLS_DEFAULTS: Readonly<Required<HlsOptions>> = Object.freeze({
  enabled: true,
  apps: [] as string[],
  format: 'fmp4' as HlsFormat,
  segmentDuration: 2,
  partDuration: 0.2,
  partHoldBack: 3,
  windowSegments: 6,
  maxStreamBytes: 64 * MiB,
  endAfter: 30,
  folder: '',
  folderVod: false,
  maxSegmentBytes: 32 * MiB,
});

/** Seconds in [min, max] (fractions allowed), one message for every way to miss. */
function seconds(min: number, max: number): z.ZodNumber {
  const message = `must be a number of seconds in ${min}..${max}`;
  return z.number({ invalid_type_error: message }).min(min, { message }).max(max, { message });
}

const hlsObject = z
  .object(
    {
      enabled: z.boolean({ invalid_type_error: 'must be true or false' }).default(HLS_DEFAULTS.enabled),
      apps: z
        .array(z.string({ invalid_type_error: 'must be an app name' }).min(1, { message: 'must not be empty' }), {
          invalid_type_error: 'must be an array of app names',
        })
        .default([]),
      format: z
        .enum(['fmp4', 'ts'], { errorMap: () => ({ message: 'must be "fmp4" or "ts"' }) })
        .default(HLS_DEFAULTS.format),
      segmentDuration: seconds(0.5, 60).default(HLS_DEFAULTS.segmentDuration),
      partDuration: seconds(0, 5)
        .refine((p) => p === 0 || p >= 0.05, { message: 'must be 0 (no parts) or at least 0.05 seconds' })
        .default(HLS_DEFAULTS.partDuration),
      partHoldBack: z
        .number({ invalid_type_error: 'must be a number of parts in 2..20' })
        .min(2, { message: 'must be at least 2 parts (RFC 8216bis §4.4.3.8: PART-HOLD-BACK ≥ 2 × PART-TARGET)' })
        .max(20, { message: 'must be a number of parts in 2..20' })
        .default(HLS_DEFAULTS.partHoldBack),
      windowSegments: int(2, 1_000).default(HLS_DEFAULTS.windowSegments),
      maxStreamBytes: int(1 * MiB, U32_MAX).default(HLS_DEFAULTS.maxStreamBytes),
      endAfter: seconds(0, 86_400).default(HLS_DEFAULTS.endAfter),
      folder: z.string({ invalid_type_error: 'must be a folder path (or "")' }).default(HLS_DEFAULTS.folder),
      folderVod: z.boolean({ invalid_type_error: 'must be true or false' }).default(HLS_DEFAULTS.folderVod),
      maxSegmentBytes: int(1 * MiB, U32_MAX).default(HLS_DEFAULTS.maxSegmentBytes),
    },
    { invalid_type_error: 'must be false or an object of hls options' },
  )
  .strict()
  .refine((h) => h.partDuration < h.segmentDuration, {
    message: 'partDuration must be shorter than segmentDuration',
    path: ['partDuration'],
  });

/** `false` is `{ enabled: false }`, so the resolved value is always an object. */
export const hlsSchema = z.preprocess((v) => (v === false ? { enabled: false } : (v ?? {})), hlsObject);
