/** `players`: each player's queue and write merging. */
import { z } from 'zod';

import { int, MiB, U32_MAX } from './common';

export interface PlayerOptions {
  /** Media time queued per player before whole GOPs are dropped. Default 5000 (500 with lowLatency). */
  queueMs?: number;
  /** Shorthand for queueMs: 500. An explicit queueMs wins. Default false. */
  lowLatency?: boolean;
  /** Hard byte cap of a player's queue, whatever its media time. Default 32 MiB. */
  queueMaxBytes?: number;
  /**
   * Write-merge budget in ms (0–1000). 0 (default) sends media at once; N > 0
   * gathers each player's media for up to N ms and sends it in one write:
   * far less CPU per player, N ms more latency. Default 0.
   */
  mergeWritesMs?: number;
}

export const PLAYERS_DEFAULTS: Readonly<Required<PlayerOptions>> = Object.freeze({
  queueMs: 5_000,
  lowLatency: false,
  queueMaxBytes: 32 * MiB,
  mergeWritesMs: 0,
});

/** queueMs when lowLatency is true and queueMs is not given. */
export const LOW_LATENCY_QUEUE_MS = 500;

export const playersSchema = z
  .object({
    queueMs: int(50, 600_000).optional(),
    lowLatency: z.boolean({ invalid_type_error: 'must be true or false' }).default(PLAYERS_DEFAULTS.lowLatency),
    queueMaxBytes: int(64 * 1024, U32_MAX).default(PLAYERS_DEFAULTS.queueMaxBytes),
    mergeWritesMs: int(0, 1_000).default(PLAYERS_DEFAULTS.mergeWritesMs),
  })
  .strict()
  .default({})
  .transform((p) => ({
    ...p,
    queueMs: p.queueMs ?? (p.lowLatency ? LOW_LATENCY_QUEUE_MS : PLAYERS_DEFAULTS.queueMs),
  }));
