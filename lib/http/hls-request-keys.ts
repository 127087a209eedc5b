/**
 * Small per-request parsing with memory: request paths (every viewer of a
 * stream asks for the same names), LL-HLS directive values, and the key of a
 * player that carries no session id.
 */
import { createHash } from 'crypto';
import type { IncomingMessage } from 'http';

import { type HlsTarget, parseHlsPath } from './hls-routes';
import { encodeQuery } from './viewer-auth';

/**
 * Parsed request paths: each is parsed (regexes, decoding) once. Bounded:
 * past the limit it starts over. Paths that are not ours are remembered too.
 */
export class TargetCache {
  private readonly map = new Map<string, HlsTarget | null>();

  get(pathname: string): HlsTarget | undefined {
    let target = this.map.get(pathname);
    if (target === undefined) {
      target = parseHlsPath(pathname) ?? null;
      if (this.map.size >= 4_096) this.map.clear();
      this.map.set(pathname, target);
    }
    return target ?? undefined;
  }
}

/** A decimal-integer directive value (RFC 8216bis §6.2.5), or null when malformed. */
export function directive(text: string): number | null {
  return /^(0|[1-9][0-9]{0,14})$/.test(text) ? Number(text) : null;
}

/**
 * A player that never carries a session id (it went straight to a media
 * playlist) is still one viewer: key it by what its requests share, so the
 * authorizer is not asked on every reload. Anyone with the same key would get
 * the same decision (same address, stream and query). The hash of each
 * distinct (address, agent, stream, query) is kept (bounded), since such a
 * player asks again every part or segment.
 */
export class AnonymousKeys {
  private readonly known = new Map<string, string>();

  of(req: IncomingMessage, stream: string, own: Record<string, string>): string {
    const what = `${req.socket.remoteAddress ?? ''}\n${req.headers['user-agent'] ?? ''}\n${stream}\n${encodeQuery(own)}`;
    let key = this.known.get(what);
    if (key === undefined) {
      key = `anon:${createHash('sha1').update(what).digest('base64url').slice(0, 16)}`;
      if (this.known.size >= 16_384) this.known.clear();
      this.known.set(what, key);
    }
    return key;
  }
}
