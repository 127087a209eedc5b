/** `rtmps`: a second listener speaking RTMP inside TLS. Off (false) by default. */
import { z } from 'zod';

import { hostSchema, portSchema } from './common';

/** RTMPS: a second listener speaking RTMP inside TLS (TLS 1.2 minimum). */
export interface RtmpsOptions {
  /** Default 1936; 0 picks a free one. */
  port?: number;
  /** Default: the same host as rtmp.host. */
  host?: string;
  /** PEM certificate chain file (leaf first). */
  cert: string;
  /** PEM private key file. */
  key: string;
  /** TLS 1.2 cipher list (OpenSSL syntax). Default: OpenSSL's. */
  ciphers?: string;
  /** TLS 1.3 cipher suites (colon-separated). Default: OpenSSL's. */
  cipherSuites?: string;
}

/**
 * Defaults of an `rtmps` object. `host` defaults to rtmp.host (resolved in
 * index.ts); `cert` and `key` are required. '' means OpenSSL's own list.
 */
export const RTMPS_DEFAULTS = Object.freeze({
  port: 1936,
  ciphers: '',
  cipherSuites: '',
});

const pemFile = z
  .string({ invalid_type_error: 'must be a path to a PEM file', required_error: 'is required (a path to a PEM file)' })
  .min(1, { message: 'must be a path to a PEM file' });

const rtmpsObject = z
  .object({
    port: portSchema.default(RTMPS_DEFAULTS.port),
    host: hostSchema.optional(),
    cert: pemFile,
    key: pemFile,
    ciphers: z.string({ invalid_type_error: 'must be a string' }).default(RTMPS_DEFAULTS.ciphers),
    cipherSuites: z.string({ invalid_type_error: 'must be a string' }).default(RTMPS_DEFAULTS.cipherSuites),
  })
  .strict();

export const rtmpsSchema = z
  .union([z.literal(false), rtmpsObject], {
    errorMap: (issue, ctx) =>
      issue.code === z.ZodIssueCode.invalid_union ? { message: 'must be false or { port, host, cert, key }' } : { message: ctx.defaultError },
  })
  .default(false);
