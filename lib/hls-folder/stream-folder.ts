/**
 * One stream's folder on disk: a FIFO of jobs run one at a time (so files of
 * one stream are written in order and a slow disk holds at most one write in
 * flight per stream), the list of segments its playlists name, and the timers
 * that delete what slid out of a live window.
 *
 * Order of one segment's jobs: its init segments (once per init), its
 * segment files, then the playlists. The playlist job is kept last in the
 * queue (a new segment moves it behind itself), so a playlist is written only
 * after every file it names is on disk, and a backlog writes it once.
 *
 * Bounds: the bytes of segments queued for the disk are capped; a segment past
 * the cap is not queued but listed with EXT-X-GAP (counted, logged once per
 * stream), so a disk slower than the stream costs holes in the copy, not
 * memory. The Buffers queued are the store's own (no copy).
 *
 * Errors: every failed operation is counted; the first of each errno code per
 * stream is logged with a reason. A segment whose file failed is listed as a
 * gap. Nothing here throws to the caller.
 */
import { byteLength } from '../http/responses';
import type { HlsTrackKind } from '../http/hls/feed';
import { hlsNames } from '../http/hls/names';
import type { HlsTimers } from '../http/hls/store';
import type { HlsBytes } from '../http/hls/view';
import { type FolderIo, ioReason } from './folder-io';
import { isOwnFile } from './folder-paths';
import { type FolderSegment, renderFolderPlaylist } from './folder-playlist';

export interface FolderLog {
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
}

export interface HlsFolderCounters {
  /** Segment files written (one per track, or one .ts). */
  segmentFiles: number;
  /** Segments not written because the disk was behind (listed as gaps). */
  droppedSegments: number;
  /** Disk operations that failed (writes, deletes, folder creation). */
  failedOps: number;
  /** Files deleted after they left a live window. */
  removedFiles: number;
  /** Streams whose key could not be a safe path. */
  refusedStreams: number;
}

export interface StreamFolderConfig {
  stream: string;
  dir: string;
  format: 'fmp4' | 'ts';
  vod: boolean;
  windowSegments: number;
  maxPendingBytes: number;
  /** Overrides the RFC grace before deleting a file that left the window (tests). */
  graceMs: number | undefined;
  io: FolderIo;
  timers: HlsTimers;
  log: FolderLog;
  counters: HlsFolderCounters;
  now: () => number;
}

export interface FileWrite {
  name: string;
  bytes: HlsBytes;
  /** The track whose playlist lists this file (undefined: an init segment). */
  track: HlsTrackKind | undefined;
}

type Job =
  | { kind: 'prepare' }
  | { kind: 'files'; files: FileWrite[]; entry: Entry | undefined; bytes: number }
  | { kind: 'playlists' }
  | { kind: 'remove'; names: string[] };

interface Entry {
  seg: FolderSegment & { missing: Set<HlsTrackKind> };
  /** Every file it has or would have (deleted when it leaves a live window). */
  names: string[];
  done: boolean;
}

const kPlaylists: Job = { kind: 'playlists' };

export class StreamFolder {
  private entries: Entry[] = [];
  private readonly queue: Job[] = [];
  private running: Promise<void> | undefined;
  /** Held until the previous folder of the same stream is done (start()). */
  private waiting: Promise<void> | undefined;
  private pendingBytes = 0;
  private discontinuitySequence = 0;
  private targetDuration = 1;
  private ended = false;
  private tracks: HlsTrackKind[] = [];
  private master = '';
  private masterOnDisk = '';
  private currentInit = -1;
  private readonly removals = new Map<unknown, string[]>();
  private readonly logged = new Set<string>();

  constructor(private readonly config: StreamFolderConfig) {}

  /** Creates the folder and clears what an earlier run left (waits for `after` first). */
  start(after: Promise<void> | undefined): void {
    this.queue.push({ kind: 'prepare' });
    if (after === undefined) {
      this.kick();
      return;
    }
    this.waiting = after.then(() => {
      this.waiting = undefined;
      this.kick();
    });
  }

  /** The playlists this folder writes (fmp4: one per track; ts: the muxed one). */
  setTracks(kinds: readonly HlsTrackKind[], master: string, targetDuration: number): void {
    for (const k of kinds) if (!this.tracks.includes(k)) this.tracks.push(k);
    this.master = master;
    this.targetDuration = Math.max(this.targetDuration, targetDuration);
  }

  /** An init segment's files: small, never dropped. */
  addInit(initId: number, files: FileWrite[]): void {
    this.currentInit = Math.max(this.currentInit, initId);
    this.push({ kind: 'files', files, entry: undefined, bytes: 0 });
  }

  /** A complete segment: queued for the disk, or listed as a gap when the disk is behind. */
  addSegment(seg: FolderSegment, files: FileWrite[], names: string[]): void {
    const entry: Entry = { seg: { ...seg, missing: new Set(seg.missing) }, names, done: false };
    this.targetDuration = Math.max(this.targetDuration, Math.ceil(seg.duration / 1000));
    this.entries.push(entry);
    let bytes = 0;
    for (const f of files) bytes += byteLength(f.bytes);
    if (this.pendingBytes > 0 && this.pendingBytes + bytes > this.config.maxPendingBytes) {
      for (const f of files) if (f.track) entry.seg.missing.add(f.track);
      entry.done = true;
      this.config.counters.droppedSegments++;
      const msg = 'hls folder: the disk is behind; segments are skipped (listed as gaps)';
      this.logOnce('slow', 'warn', { pendingBytes: this.pendingBytes }, msg);
    } else {
      this.pendingBytes += bytes;
      this.push({ kind: 'files', files, entry, bytes });
    }
    if (!this.config.vod) this.slide();
    this.push(kPlaylists);
  }

  /** The stream ended: the last playlists carry EXT-X-ENDLIST (VOD: every segment). */
  finish(): Promise<void> {
    this.ended = true;
    this.push(kPlaylists);
    return this.idle();
  }

  /**
   * Stops this folder's timers. `removeNow`: delete what was waiting for its
   * grace period at once (server closing: nobody fetches through us any more).
   */
  retire(removeNow: boolean): Promise<void> {
    for (const [handle, names] of this.removals) {
      this.config.timers.clearTimeout(handle);
      if (removeNow) this.push({ kind: 'remove', names });
    }
    this.removals.clear();
    return this.idle();
  }

  /** Settles when the queue is empty. */
  async idle(): Promise<void> {
    while (this.waiting ?? this.running) await (this.waiting ?? this.running);
  }

  /** Deletions still waiting for their grace period. */
  get pendingRemovals(): number {
    return this.removals.size;
  }

  // ---- queue -------------------------------------------------------------------

  private push(job: Job): void {
    const i = this.queue.indexOf(kPlaylists);
    if (i >= 0) this.queue.splice(i, 1);
    this.queue.push(job);
    if (i >= 0 && job !== kPlaylists) this.queue.push(kPlaylists);
    if (this.waiting === undefined) this.kick();
  }

  private kick(): void {
    if (this.running) return;
    this.running = this.pump().finally(() => {
      this.running = undefined;
      // A job pushed while the last one finished.
      if (this.queue.length > 0) this.kick();
    });
  }

  private async pump(): Promise<void> {
    for (let job = this.queue.shift(); job !== undefined; job = this.queue.shift()) {
      try {
        await this.run(job);
      } catch (err) {
        // run() handles its own errors; this is a bug guard, never a crash.
        this.logOnce('bug', 'error', { err: String(err) }, 'hls folder: unexpected error');
      }
    }
  }

  private async run(job: Job): Promise<void> {
    const { io, dir } = this.config;
    switch (job.kind) {
      case 'prepare':
        await this.prepare();
        return;
      case 'files':
        for (const f of job.files) {
          const ok = await this.attempt('write', f.name, () => io.writeFile(dir, f.name, f.bytes));
          if (ok && f.track) this.config.counters.segmentFiles++;
          if (!ok && f.track && job.entry) job.entry.seg.missing.add(f.track);
        }
        this.pendingBytes -= job.bytes;
        if (job.entry) job.entry.done = true;
        return;
      case 'playlists':
        await this.writePlaylists();
        return;
      case 'remove':
        for (const name of job.names) {
          if (await this.attempt('delete', name, () => io.remove(dir, name))) this.config.counters.removedFiles++;
        }
        return;
    }
  }

  /** mkdir -p; then what an earlier run left: moved aside (VOD, a recording) or deleted (live). */
  private async prepare(): Promise<void> {
    const { io, dir } = this.config;
    if (!(await this.attempt('create folder', dir, () => io.mkdir(dir)))) return;
    let names: string[] = [];
    await this.attempt('list', dir, async () => {
      names = (await io.list(dir)).filter(isOwnFile);
    });
    if (names.length === 0) return;
    if (this.config.vod) {
      const aside = `${dir}.${new Date(this.config.now()).toISOString().replace(/[:.]/g, '-')}`;
      const moved = await this.attempt('move aside', dir, () => io.rename(dir, aside));
      const { log, stream } = this.config;
      if (moved) log.info({ stream, dir: aside }, 'hls folder: the previous recording was moved aside');
      await this.attempt('create folder', dir, () => io.mkdir(dir));
      return;
    }
    for (const name of names) await this.attempt('delete', name, () => io.remove(dir, name));
  }

  private async writePlaylists(): Promise<void> {
    const { io, dir, vod, format } = this.config;
    // Only the segments whose files are done (a prefix: the queue is FIFO).
    const firstPending = this.entries.findIndex((e) => !e.done);
    const listed = (firstPending < 0 ? this.entries : this.entries.slice(0, firstPending)).map((e) => e.seg);
    if (listed.length === 0 && !this.ended) return;
    const input = {
      format,
      type: vod ? (this.ended ? 'vod' : 'event') : 'live',
      targetDuration: this.targetDuration,
      discontinuitySequence: this.discontinuitySequence,
      segments: listed,
      ended: this.ended,
    } as const;
    for (const track of this.tracks) {
      const name = hlsNames.playlist(track);
      await this.attempt('write', name, () => io.writeFile(dir, name, renderFolderPlaylist(input, track)));
    }
    // The master last: when it first appears, the playlists it names exist.
    if (this.master !== '' && this.master !== this.masterOnDisk) {
      const master = this.master;
      if (await this.attempt('write', hlsNames.master, () => io.writeFile(dir, hlsNames.master, master))) {
        this.masterOnDisk = master;
      }
    }
    // An ended VOD playlist never changes: its list is not needed any more.
    if (this.ended && vod && this.queue.length === 0) this.entries = [];
  }

  // ---- live window ---------------------------------------------------------------

  /**
   * Segments past the window leave the playlist now and the disk later. RFC
   * 8216bis §6.2.2: a segment removed from the playlist stays available for
   * its duration plus that of the longest playlist that held it, so a player
   * (or a CDN) that just read the previous playlist can still fetch it.
   */
  private slide(): void {
    while (this.entries.length > this.config.windowSegments) {
      let held = 0;
      for (const e of this.entries) held += e.seg.duration;
      const gone = this.entries.shift() as Entry;
      if (gone.seg.discontinuity) this.discontinuitySequence++;
      const names = [...gone.names];
      const initId = gone.seg.initId;
      if (initId !== this.currentInit && !this.entries.some((e) => e.seg.initId === initId)) {
        if (this.config.format === 'fmp4') for (const t of this.tracks) names.push(hlsNames.init(gone.seg.epoch, initId, t));
      }
      const grace = this.config.graceMs ?? gone.seg.duration + held;
      const handle = this.config.timers.setTimeout(() => {
        this.removals.delete(handle);
        this.push({ kind: 'remove', names });
      }, grace);
      this.removals.set(handle, names);
    }
  }

  // ---- errors ----------------------------------------------------------------------

  /** Runs one disk operation; false (counted, logged once per errno per stream) when it failed. */
  private async attempt(what: string, file: string, op: () => Promise<void>): Promise<boolean> {
    try {
      await op();
      return true;
    } catch (err) {
      this.config.counters.failedOps++;
      const code = (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
      this.logOnce(
        `io:${code}`,
        'error',
        { dir: this.config.dir, file, op: what, code, reason: ioReason(err) },
        `hls folder: cannot ${what}`,
      );
      return false;
    }
  }

  private logOnce(key: string, level: 'warn' | 'error', fields: Record<string, unknown>, msg: string): void {
    if (this.logged.has(key)) return;
    this.logged.add(key);
    this.config.log[level]({ stream: this.config.stream, ...fields }, msg);
  }
}
