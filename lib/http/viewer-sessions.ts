/**
 * HLS/DASH viewer sessions: a short random id minted on the master playlist
 * (or the MPD), carried in media playlist URLs only (`video.m3u8?session=…`;
 * never in segment or part URLs, which stay identical for every viewer and so
 * cacheable). A session remembers that its viewer was authorized for one
 * stream, and counts as a viewer while it keeps reloading playlists:
 *  - from its second request on (a player always asks for a media playlist
 *    or reloads the MPD; a one-shot `curl` of the master is not a viewer);
 *  - until it has been silent for max(3 × the stream's target duration,
 *    `idleMs`), and every session past its time goes on each sweep.
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
import type { CmcdReport } from './cmcd';

export interface ViewerSession {
  id: string;
  stream: string;
  protocol: AuthProtocol;
  /** Date.now() of the last playlist request. */
  lastSeen: number;
  /** Date.now() when the session was authorized. */
  since: number;
  /** Playlist/manifest requests so far (the authorizing one included). */
  requests: number;
  /** Silence after which the session is gone. */
  idleMs: number;
  /** The address of the request that started the session. */
  ip: string;
  /** What the player reported through CMCD (CTA-5004), when it sends it. */
  cmcd?: ViewerCmcd;
}

export interface ViewerCmcd {
  /** Buffer length (bl), ms, as last reported. */
  bufferMs?: number;
  /** Encoded bitrate of the last object (br), kbps. */
  bitrateKbps?: number;
  /** Measured throughput (mtp), kbps. */
  throughputKbps?: number;
  /** Requests that said the buffer had starved since the one before (bs). */
  stalls: number;
  /** Date.now() of the last report. */
  reportedAt: number;
}

export interface ViewerSessionOptions {
  /** The shortest silence after which a session is gone. Default 10000. */
  idleMs?: number;
  /** A stream's own idle time (the handler passes 3 × its target duration); the longer one wins. */
  idleMsFor?: (stream: string) => number | undefined;
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
/** The request from which a session counts as a viewer. */
const COUNTED_FROM = 2;

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
  private readonly idleMsFor: ((stream: string) => number | undefined) | undefined;
  private readonly maxSessions: number;
  private readonly now: () => number;
  /** Insertion order = least recently seen first (touch re-inserts). */
  private readonly sessions = new Map<string, ViewerSession>();
  /** Counted sessions (COUNTED_FROM requests or more) per stream. */
  private readonly perStream = new Map<string, number>();
  /** The DASH share of perStream (the rest is HLS). */
  private readonly dashPerStream = new Map<string, number>();
  /** Ids ended by kick() → Date.now() until which they are refused; oldest first. */
  private readonly kicked = new Map<string, number>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(options: ViewerSessionOptions = {}) {
    this.idleMs = options.idleMs ?? 10_000;
    this.idleMsFor = options.idleMsFor;
    this.maxSessions = options.maxSessions ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  /** The live session `id` for `stream` (touched), or undefined. */
  find(id: string, stream: string): ViewerSession | undefined {
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (this.now() - s.lastSeen > s.idleMs) {
      this.remove(s);
      return undefined;
    }
    if (s.stream !== stream) return undefined;
    this.touch(s);
    return s;
  }

  /** Records an authorized session (replacing one with the same id). */
  add(id: string, stream: string, protocol: AuthProtocol, ip = ''): ViewerSession {
    const old = this.sessions.get(id);
    if (old) this.remove(old);
    const now = this.now();
    const s: ViewerSession = { id, stream, protocol, lastSeen: now, since: now, requests: 1, idleMs: this.idleOf(stream), ip };
    this.sessions.set(id, s);
    while (this.sessions.size > this.maxSessions) {
      const oldest = this.sessions.values().next().value as ViewerSession;
      this.remove(oldest);
    }
    this.startSweeper();
    return s;
  }

  /** Counted viewer sessions of a stream (swept every idleMs/2, so an ended one may linger that long). */
  viewers(stream: string): number {
    return this.perStream.get(stream) ?? 0;
  }

  /** Viewer counts of every stream with at least one. */
  counts(): Map<string, number> {
    return new Map(this.perStream);
  }

  /** The same by protocol. */
  countsByProtocol(): Map<string, { hls: number; dash: number }> {
    const out = new Map<string, { hls: number; dash: number }>();
    for (const [stream, n] of this.perStream) {
      const dash = this.dashPerStream.get(stream) ?? 0;
      out.set(stream, { hls: n - dash, dash });
    }
    return out;
  }

  /** Live counted sessions, least recently seen first (the objects themselves: read, do not keep). */
  list(): readonly Readonly<ViewerSession>[] {
    const now = this.now();
    return [...this.sessions.values()].filter((s) => s.requests >= COUNTED_FROM && now - s.lastSeen <= s.idleMs);
  }

  /**
   * A CMCD report from any request of a session's player (segments and parts
   * included: they carry `sid`). Keeps the session alive; does not count as a
   * playlist request. False when no live session has that id.
   */
  noteCmcd(report: CmcdReport): boolean {
    if (report.sid === undefined) return false;
    const s = this.sessions.get(report.sid);
    if (!s) return false;
    const now = this.now();
    if (now - s.lastSeen > s.idleMs) return false;
    s.lastSeen = now;
    const c: ViewerCmcd = s.cmcd ?? { stalls: 0, reportedAt: now };
    if (report.bufferMs !== undefined) c.bufferMs = report.bufferMs;
    if (report.bitrateKbps !== undefined) c.bitrateKbps = report.bitrateKbps;
    if (report.throughputKbps !== undefined) c.throughputKbps = report.throughputKbps;
    if (report.starved) c.stalls++;
    c.reportedAt = now;
    s.cmcd = c;
    return true;
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

  /** Forgets every session past its idle time (all of them, not one per pass). */
  sweep(): void {
    const now = this.now();
    for (const s of this.sessions.values()) {
      if (now - s.lastSeen > s.idleMs) this.remove(s);
    }
    if (this.sessions.size === 0) this.stopSweeper();
  }

  close(): void {
    this.stopSweeper();
    this.sessions.clear();
    this.perStream.clear();
    this.dashPerStream.clear();
    this.kicked.clear();
  }

  private touch(s: ViewerSession): void {
    s.lastSeen = this.now();
    s.idleMs = this.idleOf(s.stream);
    if (++s.requests === COUNTED_FROM) {
      bump(this.perStream, s.stream, 1);
      if (s.protocol === 'dash') bump(this.dashPerStream, s.stream, 1);
    }
    this.sessions.delete(s.id);
    this.sessions.set(s.id, s);
  }

  private idleOf(stream: string): number {
    return Math.max(this.idleMs, this.idleMsFor?.(stream) ?? 0);
  }

  private remove(s: ViewerSession): void {
    if (this.sessions.get(s.id) !== s) return;
    this.sessions.delete(s.id);
    if (s.requests < COUNTED_FROM) return;
    bump(this.perStream, s.stream, -1);
    if (s.protocol === 'dash') bump(this.dashPerStream, s.stream, -1);
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

/** Adds `by` to a count; a count that reaches 0 leaves the map. */
function bump(counts: Map<string, number>, key: string, by: number): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n <= 0) counts.delete(key);
  else counts.set(key, n);
}
