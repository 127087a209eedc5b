/**
 * HLS/DASH viewer sessions: a short random id minted on the master playlist
 * (or the MPD), carried in media playlist URLs only (`video.m3u8?session=…`;
 * never in segment or part URLs, which stay identical for every viewer and so
 * cacheable). A session remembers that its viewer was authorized for one
 * stream, and counts as a viewer while it keeps reloading playlists.
 *
 * hls.js's CMCD session id (CTA-5004 `sid`, sent as the `CMCD` query
 * parameter or the `CMCD-Session` header) is accepted as the same thing.
 *
 * Bounded: past `maxSessions` the least recently seen session is forgotten
 * (its viewer is simply authorized again on its next playlist).
 */
import { randomBytes } from 'crypto';
import type { IncomingMessage } from 'http';

import type { AuthProtocol } from '../auth/types';

export interface ViewerSession {
  id: string;
  stream: string;
  protocol: AuthProtocol;
  /** Date.now() of the last playlist request. */
  lastSeen: number;
  /** Date.now() when the session was authorized. */
  since: number;
}

export interface ViewerSessionOptions {
  /** A session with no playlist request for this long is gone. Default 30000. */
  idleMs?: number;
  /** Default 100000. */
  maxSessions?: number;
  now?: () => number;
}

/** The query parameter carrying our session id. */
export const SESSION_PARAM = 'session';
/** 12 random bytes → 16 base64url characters: short, and not guessable. */
const SESSION_BYTES = 12;
/** A session id we accept from a client (ours, or a CMCD sid): bounded, URL-safe-ish. */
const ACCEPTED_ID = /^[A-Za-z0-9_.:-]{8,64}$/;
/** Kicked ids are refused (403) for this long, at most this many remembered. */
const KICKED_MS = 600_000;
const MAX_KICKED = 10_000;

export function mintSessionId(): string {
  return randomBytes(SESSION_BYTES).toString('base64url');
}

/** CMCD `sid="…"` from the `CMCD` query value or the `CMCD-Session` header. */
export function cmcdSessionId(query: URLSearchParams, req: IncomingMessage): string | undefined {
  const sources = [query.get('CMCD'), req.headers['cmcd-session']];
  for (const source of sources) {
    if (typeof source !== 'string') continue;
    const m = /(?:^|,)\s*sid="([^"]*)"/.exec(source);
    if (m && ACCEPTED_ID.test(m[1] as string)) return m[1];
  }
  return undefined;
}

/** The session id a request carries (ours first, then CMCD), if well-formed. */
export function requestSessionId(query: URLSearchParams, req: IncomingMessage): string | undefined {
  const ours = query.get(SESSION_PARAM);
  if (ours !== null && ACCEPTED_ID.test(ours)) return ours;
  return cmcdSessionId(query, req);
}

export class ViewerSessions {
  private readonly idleMs: number;
  private readonly maxSessions: number;
  private readonly now: () => number;
  /** Insertion order = least recently seen first (touch re-inserts). */
  private readonly sessions = new Map<string, ViewerSession>();
  private readonly perStream = new Map<string, number>();
  /** Ids ended by kick() → Date.now() until which they are refused; oldest first. */
  private readonly kicked = new Map<string, number>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(options: ViewerSessionOptions = {}) {
    this.idleMs = options.idleMs ?? 30_000;
    this.maxSessions = options.maxSessions ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  /** The live session `id` for `stream` (touched), or undefined. */
  find(id: string, stream: string): ViewerSession | undefined {
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (this.now() - s.lastSeen > this.idleMs) {
      this.remove(s);
      return undefined;
    }
    if (s.stream !== stream) return undefined;
    this.touch(s);
    return s;
  }

  /** Records an authorized session (replacing one with the same id). */
  add(id: string, stream: string, protocol: AuthProtocol): ViewerSession {
    const old = this.sessions.get(id);
    if (old) this.remove(old);
    const s: ViewerSession = { id, stream, protocol, lastSeen: this.now(), since: this.now() };
    this.sessions.set(id, s);
    this.perStream.set(stream, (this.perStream.get(stream) ?? 0) + 1);
    while (this.sessions.size > this.maxSessions) {
      const oldest = this.sessions.values().next().value as ViewerSession;
      this.remove(oldest);
    }
    this.startSweeper();
    return s;
  }

  /** Viewer sessions of a stream seen within the idle time (swept lazily: may lag by idleMs/2). */
  viewers(stream: string): number {
    return this.perStream.get(stream) ?? 0;
  }

  /** Viewer counts of every stream with at least one. */
  counts(): Map<string, number> {
    return new Map(this.perStream);
  }

  /** Live sessions, least recently seen first (the objects themselves: read, do not keep). */
  list(): readonly Readonly<ViewerSession>[] {
    const cutoff = this.now() - this.idleMs;
    return [...this.sessions.values()].filter((s) => s.lastSeen >= cutoff);
  }

  /** Ends a session: its id is refused (isKicked) for the next 10 minutes. False if unknown. */
  kick(id: string): boolean {
    const s = this.sessions.get(id);
    if (!s) return false;
    this.remove(s);
    this.kicked.delete(id);
    this.kicked.set(id, this.now() + KICKED_MS);
    if (this.kicked.size > MAX_KICKED) this.kicked.delete(this.kicked.keys().next().value as string);
    return true;
  }

  /** Whether requests carrying `id` are to be refused (it was kicked). */
  isKicked(id: string): boolean {
    const until = this.kicked.get(id);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.kicked.delete(id);
    return false;
  }

  /** Forgets idle sessions. */
  sweep(): void {
    const cutoff = this.now() - this.idleMs;
    // Least recently seen first: stop at the first one still live.
    for (const s of this.sessions.values()) {
      if (s.lastSeen >= cutoff) break;
      this.remove(s);
    }
    if (this.sessions.size === 0) this.stopSweeper();
  }

  close(): void {
    this.stopSweeper();
    this.sessions.clear();
    this.perStream.clear();
    this.kicked.clear();
  }

  private touch(s: ViewerSession): void {
    s.lastSeen = this.now();
    this.sessions.delete(s.id);
    this.sessions.set(s.id, s);
  }

  private remove(s: ViewerSession): void {
    if (this.sessions.get(s.id) !== s) return;
    this.sessions.delete(s.id);
    const n = (this.perStream.get(s.stream) ?? 1) - 1;
    if (n <= 0) this.perStream.delete(s.stream);
    else this.perStream.set(s.stream, n);
  }

  private startSweeper(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), Math.max(1_000, this.idleMs / 2));
    this.sweeper.unref();
  }

  private stopSweeper(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }
}
