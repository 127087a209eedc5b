/**
 * Stream keys listed in config, for the simplest setups. Publishing needs a
 * listed key; playing is not checked here.
 *
 *  - A map `{ secretKey: publicName }`: the encoder publishes to
 *    `rtmp://host/app/<secretKey>` and the stream is served as
 *    `app/<publicName>`. Players never learn the key.
 *  - A list `[secretKey, ...]`: the encoder publishes to
 *    `rtmp://host/app/<name>?key=<secretKey>`; the name is kept.
 *
 * Keys are compared in constant time (per candidate), so a wrong guess does
 * not tell how close it was.
 */
import { timingSafeEqual } from 'crypto';

import type { AuthDecision, AuthRequest, Authorizer } from './types';

export type StreamKeys = readonly string[] | Readonly<Record<string, string>>;

function sameKey(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The first listed key equal to `given`, checking every candidate. */
function findKey(keys: readonly string[], given: string): string | undefined {
  let found: string | undefined;
  for (const k of keys) if (sameKey(k, given) && found === undefined) found = k;
  return found;
}

export function staticKeyAuthorizer(keys: StreamKeys): Authorizer {
  const mapped = !Array.isArray(keys);
  const list: readonly string[] = mapped ? Object.keys(keys) : (keys as readonly string[]);
  const names = mapped ? (keys as Readonly<Record<string, string>>) : {};
  return (req: AuthRequest): AuthDecision => {
    if (req.action !== 'publish') return { allow: true };
    if (mapped) {
      const key = findKey(list, req.name);
      if (key === undefined) return { allow: false, reason: 'unknown stream key' };
      return { allow: true, name: names[key] as string };
    }
    const given = req.query.key;
    if (given === undefined || given === '') return { allow: false, reason: 'a stream key is required (?key=...)' };
    return findKey(list, given) === undefined ? { allow: false, reason: 'unknown stream key' } : { allow: true };
  };
}

/**
 * Static keys first, then the user's hook (if any) with the request already
 * renamed to the public name. The hook's rename, if it gives one, wins.
 */
export function withStaticKeys(keys: StreamKeys, hook: Authorizer | undefined): Authorizer {
  const byKey = staticKeyAuthorizer(keys);
  return async (req) => {
    const first = await byKey(req);
    if (!first.allow || !hook) return first;
    const renamed = first.name ? { ...req, name: first.name } : req;
    const second = await hook(renamed);
    if (second.allow && !second.name && first.name) return { allow: true, name: first.name };
    return second;
  };
}
