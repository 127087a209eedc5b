/**
 * `http`: the built-in HTTP server (HLS/LL-HLS/DASH, the player page). On by
 * default at 0.0.0.0:8000; `http: false` turns it off.
 */
import { z } from 'zod';

import { hostSchema, int, portSchema } from './common';

export interface HttpOptions {
  /** Default 8000. */
  port?: number;
  /** Default "0.0.0.0". */
  host?: string;
  /** Origins allowed to fetch playlists and media (CORS): "*" (default) or a list such as ["https://example.com"]. */
  corsOrigins?: '*' | readonly string[];
  /**
   * Longest hold of a blocking playlist request (`_HLS_msn`) or a preload-hint
   * part, in ms. 0 (default): three target durations (RFC 8216bis §6.2.5.2).
   */
  blockingTimeoutMs?: number;
}

/** Defaults of an `http` object (and of an absent `http`). */
export const HTTP_DEFAULTS: Readonly<Required<HttpOptions>> = Object.freeze({
  port: 8000,
  host: '0.0.0.0',
  corsOrigins: '*',
  blockingTimeoutMs: 0,
});

const originsMessage = 'must be "*" or a non-empty list of origins such as "https://example.com"';
const originSchema = z.string().regex(/^https?:\/\/[^/\s]+$/, { message: originsMessage });

const httpObject = z
  .object({
    port: portSchema.default(HTTP_DEFAULTS.port),
    host: hostSchema.default(HTTP_DEFAULTS.host),
    corsOrigins: z
      .union([z.literal('*'), z.array(originSchema).min(1)], { errorMap: () => ({ message: originsMessage }) })
      .default('*'),
    blockingTimeoutMs: int(0, 600_000).default(HTTP_DEFAULTS.blockingTimeoutMs),
  })
  .strict();

export const httpSchema = z
  .union([z.literal(false), httpObject], {
    errorMap: () => ({ message: 'must be false or { port, host, corsOrigins, blockingTimeoutMs }' }),
  })
  .default({});
