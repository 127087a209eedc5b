/**
 * `admin`: the HTTP admin API (`/api/v1`, lib/admin/) on the built-in HTTP
 * server. TypeScript only: the engine never sees these values.
 */
import { z } from 'zod';

import { int } from './common';

/** Admin tokens: a list (labelled token-1, token-2… in logs) or a `{ label: token }` map. */
export type AdminTokens = readonly string[] | Readonly<Record<string, string>>;

export interface AdminOptions {
  /** Serve `/api/v1` on the built-in HTTP server (and accept stream bans). Default true. */
  enabled?: boolean;
  /**
   * Bearer tokens accepted by the API, besides the RTMP_ENGINE_ADMIN_TOKEN
   * environment variable. With none, only loopback clients are answered.
   */
  tokens?: AdminTokens;
  /** Seconds of per-stream history (bitrate, viewers) kept at one sample per second. Default 300. */
  historySeconds?: number;
}

/** `tokens` has no default (none: loopback clients only, unless the environment gives one). */
export const ADMIN_DEFAULTS: Readonly<Required<Omit<AdminOptions, 'tokens'>>> = Object.freeze({
  enabled: true,
  historySeconds: 300,
});

/** The shortest token accepted: a guessable admin token is worse than none. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

const tokenMessage = `must be a string of at least ${MIN_ADMIN_TOKEN_LENGTH} characters without spaces`;
const tokenSchema = z
  .string({ invalid_type_error: tokenMessage })
  .min(MIN_ADMIN_TOKEN_LENGTH, { message: tokenMessage })
  .regex(/^\S+$/, { message: tokenMessage });

const tokensSchema = z.union(
  [z.array(tokenSchema).min(1), z.record(z.string().min(1), tokenSchema).refine((m) => Object.keys(m).length > 0)],
  { errorMap: () => ({ message: `must be a non-empty list of tokens or a { label: token } map (${tokenMessage})` }) },
);

export const adminSchema = z
  .preprocess(
    (v) => (v === false ? { enabled: false } : (v ?? {})),
    z
      .object(
        {
          enabled: z.boolean({ invalid_type_error: 'must be true or false' }).default(ADMIN_DEFAULTS.enabled),
          tokens: tokensSchema.optional(),
          historySeconds: int(10, 3_600).default(ADMIN_DEFAULTS.historySeconds),
        },
        { invalid_type_error: 'must be false or an object of admin options' },
      )
      .strict(),
  );
