/**
 * One simulated HLS viewer of one media playlist, as a player loads it (no decoding):
 * - classic: reload the playlist every target duration / 2 and fetch each new segment once
 *   (RFC 8216bis §6.3.4 reload cadence when the playlist did not change; starting at the newest
 *   segment, where a player with a short buffer starts);
 * - ll: blocking playlist reloads for the part after the newest listed one (§6.2.5.2, as hls.js
 *   asks: part 0 of the next segment once the parent segment is listed whole) and fetch each
 *   new part once.
 * Lag is measured each time a playlist arrives: how many segments (classic) or parts (ll) are
 * listed that this viewer has not fetched yet. A viewer keeps up while that stays ≤ 1 segment
 * or ≤ 3 parts.
 */
import * as http from 'http';

import { lastPart, MediaPlaylist, nextPartAfter, parseMediaPlaylist } from './playlist';

export type ViewerMode = 'classic' | 'll';

export const KEEP_UP_LAG: Record<ViewerMode, number> = { classic: 1, ll: 3 };
const REQUEST_TIMEOUT_MS = 15_000; // above the longest blocking reload a server should hold

/** Counters shared by all viewers of a step; samples are bounded. */
export class LoadStats {
  requests = 0;
  bytes = 0;
  errors = 0;
  errorSamples: string[] = [];
  playlistMs: number[] = [];
  mediaMs: number[] = [];
  measuring = false;

  sample(list: number[], ms: number): void {
    if (!this.measuring) return;
    if (list.length < 200_000) list.push(ms);
  }

  error(what: string): void {
    this.errors++;
    if (this.errorSamples.length < 10) this.errorSamples.push(what);
  }
}

interface Response {
  status: number;
  body: Buffer | undefined; // kept for playlists only
  bytes: number;
}

function get(agent: http.Agent, url: string, keepBody: boolean): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (d: Buffer) => {
        bytes += d.length;
        if (keepBody) chunks.push(d);
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: keepBody ? Buffer.concat(chunks) : undefined, bytes }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

function withQuery(url: string, params: Record<string, string | number>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, String(v));
  return u.toString();
}

const partKey = (msn: number, index: number) => msn * 10_000 + index;

export class TrackViewer {
  maxLag = 0;
  mediaFetched = 0; // during the measured window
  errors = 0; // during the measured window
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly mode: ViewerMode,
    private readonly agent: http.Agent,
    private readonly stats: LoadStats,
  ) {}

  stop(): void {
    this.stopped = true;
  }

  keptUp(): boolean {
    return this.errors === 0 && this.mediaFetched > 0 && this.maxLag <= KEEP_UP_LAG[this.mode];
  }

  async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await (this.mode === 'classic' ? this.runClassic() : this.runLowLatency());
      } catch (err) {
        if (this.stopped) return;
        this.fail(`${this.url}: ${(err as Error).message}`);
        await sleep(500);
      }
    }
  }

  private fail(what: string): void {
    if (this.stats.measuring) this.errors++;
    this.stats.error(what);
  }

  private noteLag(lag: number): void {
    if (this.stats.measuring && lag > this.maxLag) this.maxLag = lag;
  }

  private async fetch(url: string, kind: 'playlist' | 'media'): Promise<Response | undefined> {
    const t0 = performance.now();
    const res = await get(this.agent, url, kind === 'playlist');
    this.stats.requests++;
    this.stats.bytes += res.bytes;
    if (res.status !== 200) {
      this.fail(`${res.status} ${url}`);
      return undefined;
    }
    this.stats.sample(kind === 'playlist' ? this.stats.playlistMs : this.stats.mediaMs, performance.now() - t0);
    if (kind === 'media' && this.stats.measuring) this.mediaFetched++;
    return res;
  }

  private async playlist(url: string): Promise<MediaPlaylist | undefined> {
    const res = await this.fetch(url, 'playlist');
    return res?.body ? parseMediaPlaylist(res.body.toString('utf8')) : undefined;
  }

  private async runClassic(): Promise<void> {
    let lastFetched = -1;
    while (!this.stopped) {
      const started = performance.now();
      const pl = await this.playlist(this.url);
      const newest = pl?.segments[pl.segments.length - 1];
      if (pl && newest) {
        if (lastFetched < 0) lastFetched = newest.msn - 1; // join at the live edge
        this.noteLag(newest.msn - lastFetched);
        for (const seg of pl.segments) {
          if (seg.msn <= lastFetched || this.stopped) continue;
          await this.fetch(new URL(seg.uri, this.url).toString(), 'media');
          lastFetched = seg.msn;
        }
        if (pl.ended) return;
      }
      const target = (pl?.targetDuration ?? 2) * 1000;
      await sleep(started + target / 2 - performance.now());
    }
  }

  private async runLowLatency(): Promise<void> {
    let pl = await this.playlist(this.url);
    let newest = pl && lastPart(pl);
    if (!pl || !newest) {
      await sleep(500); // no parts yet (or an error): try again
      return;
    }
    let fetched = partKey(newest.msn, newest.index - 1); // join at the newest part
    while (!this.stopped && pl && newest) {
      for (const part of pl.parts) {
        if (partKey(part.msn, part.index) <= fetched || this.stopped) continue;
        await this.fetch(new URL(part.uri, this.url).toString(), 'media');
        fetched = partKey(part.msn, part.index);
      }
      if (pl.ended) return;
      const next = nextPartAfter(pl, newest.msn, newest.index);
      const reload = withQuery(this.url, { _HLS_msn: next.msn, _HLS_part: next.part });
      const answer = await this.playlist(reload);
      if (!answer) {
        await sleep((pl.partTarget ?? 0.2) * 1000);
        pl = await this.playlist(this.url); // re-join after a 400/503 or a timeout answer
      } else {
        pl = answer;
      }
      newest = pl && lastPart(pl);
      if (pl && newest) {
        const oldest = pl.parts[0] as { msn: number; index: number };
        const unseen = pl.parts.filter((p) => partKey(p.msn, p.index) > fetched).length;
        // Fell out of the listed parts entirely: far behind.
        this.noteLag(partKey(oldest.msn, oldest.index) > fetched + 1 && oldest.index === 0 ? unseen + 100 : unseen);
      }
    }
  }
}

/** One viewer: one keep-alive agent, one TrackViewer per media playlist it watches. */
export class Viewer {
  readonly agent: http.Agent;
  readonly tracks: TrackViewer[];
  private runs: Promise<void>[] = [];

  constructor(urls: string[], mode: ViewerMode, stats: LoadStats, socketsPerTrack: number) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: socketsPerTrack * urls.length });
    this.tracks = urls.map((u) => new TrackViewer(u, mode, this.agent, stats));
  }

  start(): void {
    this.runs = this.tracks.map((t) => t.run());
  }

  keptUp(): boolean {
    return this.tracks.every((t) => t.keptUp());
  }

  maxLag(): number {
    return Math.max(...this.tracks.map((t) => t.maxLag));
  }

  /** Stops the loops and closes the sockets (pending requests fail and are not counted). */
  async stop(): Promise<void> {
    for (const t of this.tracks) t.stop();
    this.agent.destroy();
    await Promise.race([Promise.allSettled(this.runs), sleep(REQUEST_TIMEOUT_MS)]);
  }
}
