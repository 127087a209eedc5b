/**
 * `metrics`: Prometheus text at `GET /metrics` on the built-in HTTP server
 * (lib/metrics/). On by default; `metrics: false` turns it off. Nothing here
 * reaches the engine: the series are read from its counters on each scrape.
 */
import { z } from 'zod';

import { int } from './common';

export interface MetricsOptions {
  /** Serve `path` on the built-in HTTP server. Default true. */
  enabled?: boolean;
  /** Default "/metrics". */
  path?: string;
  /**
   * Streams that get series of their own (label `stream="app/name"`); the
   * others are summed under `stream="_other"`. Default 100.
   */
  maxStreams?: number;
  /**
   * Bearer tokens that may scrape from any address. None (default): only
   * loopback clients, unless RTMP_ENGINE_ADMIN_TOKEN is set (the admin API's rule).
   */
  tokens?: readonly string[];
  /** prom-client's process and Node.js metrics (CPU, memory, GC, event loop lag). Default true. */
  processMetrics?: boolean;
}

/** Defaults of a `metrics` object (and of an absent `metrics`). */
export const METRICS_DEFAULTS: Readonly<Required<MetricsOptions>> = Object.freeze({
  enabled: true,
  path: '/metrics',
  maxStreams: 100,
  tokens: Object.freeze([]) as readonly string[],
  processMetrics: true,
});

const pathMessage = 'must be an absolute URL path such as "/metrics" (no query, no spaces)';

const metricsObject = z
  .object({
    enabled: z.boolean({ invalid_type_error: 'must be true or false' }).default(METRICS_DEFAULTS.enabled),
    path: z
      .string({ invalid_type_error: pathMessage })
      .regex(/^\/[^\s?#]*$/, { message: pathMessage })
      .default(METRICS_DEFAULTS.path),
    maxStreams: int(0, 10_000).default(METRICS_DEFAULTS.maxStreams),
    tokens: z
      .array(z.string().min(16, { message: 'must be at least 16 characters (a bearer token)' }), {
        invalid_type_error: 'must be a list of bearer tokens',
      })
      .default([]),
    processMetrics: z.boolean({ invalid_type_error: 'must be true or false' }).default(METRICS_DEFAULTS.processMetrics),
  })
  .strict();

/** `false` is `{ enabled: false }`; an absent section takes every default. */
export const metricsSchema = z.preprocess((v) => (v === false ? { enabled: false } : (v ?? {})), metricsObject);
