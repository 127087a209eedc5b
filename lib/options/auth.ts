/** `auth`: how the server waits for an authorizer, bans after failures, and static publish keys. */
import { z } from 'zod';

import { isCidr } from './access';
import { allowOrDeny, int } from './common';

/** How the server waits for an authorizer (server.authorize) and treats failures. */
export interface AuthOptions {
  /** An authorizer that has not answered by then is treated per onTimeout. Default 5000. */
  timeoutMs?: number;
  /** No answer in time: "deny" (default) or "allow". */
  onTimeout?: 'deny' | 'allow';
  /** The authorizer threw or rejected: "deny" (default) or "allow". */
  onError?: 'deny' | 'allow';
  /** Failed authorizations from one IP within failureWindowMs that ban it at accept. 0 = never ban. Default 5. */
  maxFailures?: number;
  /** Default 60000. */
  failureWindowMs?: number;
  /** How long a banned IP is refused. Default 600000 (10 min). */
  banMs?: number;
  /**
   * Addresses never counted nor banned, as addresses or CIDR blocks. Default
   * loopback, `["127.0.0.0/8", "::1"]`, so mistyped keys on a developer's own
   * machine do not lock it out; `[]` bans loopback too.
   */
  exemptCidrs?: readonly string[];
  /**
   * Stream keys for publishing, checked without any code: a map
   * `{ secretKey: publicName }` (publish to app/<secretKey>, served as
   * app/<publicName>) or a list (publish to app/<name>?key=<secretKey>).
   * Checked before an authorize() hook. Default: none.
   */
  publishKeys?: readonly string[] | Readonly<Record<string, string>>;
}

/** publishKeys has no default (none: every publish goes to the authorizer, if any). */
export const AUTH_DEFAULTS: Readonly<Required<Omit<AuthOptions, 'publishKeys'>>> = Object.freeze({
  timeoutMs: 5_000,
  onTimeout: 'deny',
  onError: 'deny',
  maxFailures: 5,
  failureWindowMs: 60_000,
  banMs: 600_000,
  exemptCidrs: Object.freeze(['127.0.0.0/8', '::1']) as readonly string[],
});

const publishKeysMessage = 'must be a non-empty list of keys or a { secretKey: publicName } map';

export const authSchema = z
  .object({
    timeoutMs: int(1, 600_000).default(AUTH_DEFAULTS.timeoutMs),
    onTimeout: allowOrDeny.default(AUTH_DEFAULTS.onTimeout),
    onError: allowOrDeny.default(AUTH_DEFAULTS.onError),
    maxFailures: int(0, 1_000).default(AUTH_DEFAULTS.maxFailures),
    failureWindowMs: int(1, 86_400_000).default(AUTH_DEFAULTS.failureWindowMs),
    banMs: int(0, 86_400_000).default(AUTH_DEFAULTS.banMs),
    exemptCidrs: z
      .array(
        z
          .string({ invalid_type_error: 'must be a string' })
          .refine(isCidr, { message: 'must be an IPv4/IPv6 address or CIDR block like "10.0.0.0/8"' }),
        { invalid_type_error: 'must be a list of addresses or CIDR blocks' },
      )
      .max(10_000)
      .default([...AUTH_DEFAULTS.exemptCidrs]),
    publishKeys: z
      .union(
        [
          z.array(z.string().min(1)).min(1, { message: publishKeysMessage }),
          // Public names are checked by the engine like any stream name.
          z.record(z.string().min(1), z.string().min(1)),
        ],
        { errorMap: () => ({ message: publishKeysMessage }) },
      )
      .optional(),
  })
  .strict()
  .default({});
