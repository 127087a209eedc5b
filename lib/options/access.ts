/** `access`: IP allow/deny rules for connect, publish and play. */
import { isIP } from 'net';
import { z } from 'zod';

/** Where an IP rule applies: the connect, publish or play step, or "*" for all three. */
export type IpRuleStep = 'connect' | 'publish' | 'play' | '*';

export interface IpRule {
  policy: 'allow' | 'deny';
  /** An address or a CIDR block, IPv4 or IPv6: "203.0.113.7", "10.0.0.0/8", "2001:db8::/32". */
  cidr: string;
  /** Default "*": connect, publish and play. */
  on?: IpRuleStep;
  /** Exact app name; default "*" (every app). */
  app?: string;
}

export interface AccessOptions {
  /** Checked in order; the first rule that matches decides. */
  rules?: IpRule[];
  /** What happens when no rule matches. Default "allow". */
  default?: 'allow' | 'deny';
}

export const ACCESS_DEFAULTS = Object.freeze({
  rules: Object.freeze([]) as readonly IpRule[],
  default: 'allow' as 'allow' | 'deny',
});

/** Defaults of the optional fields of one rule. */
export const IP_RULE_DEFAULTS = Object.freeze({
  on: '*' as IpRuleStep,
  app: '*',
});

/** "addr" or "addr/prefix" with a prefix that fits the address family. */
export function isCidr(text: string): boolean {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return false;
  if (slash < 0) return true;
  const prefix = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

const ipRuleSchema = z
  .object({
    policy: z.enum(['allow', 'deny'], { errorMap: () => ({ message: 'must be "allow" or "deny"' }) }),
    cidr: z
      .string({ invalid_type_error: 'must be a string' })
      .refine(isCidr, { message: 'must be an IPv4/IPv6 address or CIDR block like "10.0.0.0/8"' }),
    on: z
      .enum(['connect', 'publish', 'play', '*'], {
        errorMap: () => ({ message: 'must be "connect", "publish", "play" or "*"' }),
      })
      .default(IP_RULE_DEFAULTS.on),
    app: z
      .string({ invalid_type_error: 'must be a string' })
      .min(1, { message: 'must not be empty' })
      .default(IP_RULE_DEFAULTS.app),
  })
  .strict();

export const accessSchema = z
  .object({
    rules: z.array(ipRuleSchema).max(10_000).default([]),
    default: z
      .enum(['allow', 'deny'], { errorMap: () => ({ message: 'must be "allow" or "deny"' }) })
      .default(ACCESS_DEFAULTS.default),
  })
  .strict()
  .default({});
