/**
 * HlsFolderWriter: a copy of every stream's HLS on disk, fed from the same
 * HlsStore the HTTP handler reads, for a plain HTTP origin (nginx, a bucket
 * sync) or a VOD recording:
 *
 *   <folder>/<app>/<name>/index.m3u8            master (as served over HTTP)
 *                         video.m3u8 audio.m3u8  classic media playlists
 *                         init-<initId>-<track>.mp4
 *                         seg-<msn>-<track>.m4s  (or seg-<msn>.ts)
 *
 * The names are the HTTP URLs (lib/http/hls/names.ts), so the folder served
 * at /<app>/<name>/ answers the same URLs for segments and playlists.
 *
 * Feed: the store has no change events, so attachHlsFolder() wraps the
 * store's ingest() on that one instance: after each item the writer reads
 * the stream's view and queues every segment completed since the last look.
 * Store and writer agree on numbers (msn, initId) because the writer only
 * reads them.
 *
 * Life of a stream's folder: first init → files follow the window → `end`
 * item → after endAfter without a new publish (the store's rule), the last
 * playlists get EXT-X-ENDLIST (folderVod: PLAYLIST-TYPE:VOD with every
 * segment) and the writer forgets the stream. A later publish of the same
 * name starts a fresh folder: live mode deletes the old files, VOD mode moves
 * the old recording aside to `<name>.<ISO time>`.
 */
import type { HlsFeedItem, HlsTrackKind } from '../http/hls/feed';
import { renderMasterPlaylist } from '../http/hls/master-playlist';
import { hlsNames } from '../http/hls/names';
import { type HlsStore, type HlsTimers, unrefTimers } from '../http/hls/store';
import type { HlsSegmentInfo, HlsStreamView } from '../http/hls/view';
import { type FolderIo, nodeFolderIo } from './folder-io';
import { streamDirectory } from './folder-paths';
import { type FileWrite, type FolderLog, type HlsFolderCounters, StreamFolder } from './stream-folder';

export interface HlsFolderOptions {
  /** The root folder; each stream writes under <folder>/<app>/<name>/. */
  folder: string;
  /** Keep every segment and end with a VOD playlist (default false: a live window). */
  vod?: boolean;
  /** Segments in a live playlist (default 6, like the store). */
  windowSegments?: number;
  /** Seconds after a publish ended before the playlists end (default 30, like the store). */
  endAfter?: number;
  /** Bytes of one stream's segments waiting for the disk before segments are skipped (default 32 MiB). */
  maxPendingBytes?: number;
  log: FolderLog;
  /** Tests: a fixed grace before deleting files that left the window (default: RFC 8216bis §6.2.2). */
  graceMs?: number;
  io?: FolderIo;
  timers?: HlsTimers;
  now?: () => number;
}

interface Tracked {
  folder: StreamFolder;
  /** The next msn to take from the view. */
  nextMsn: number;
  inits: Set<number>;
  endTimer: unknown;
}

const kMiB = 1024 * 1024;

export class HlsFolderWriter {
  private readonly active = new Map<string, Tracked>();
  /** Ended streams whose folder may still delete files (live) or finish writing. */
  private readonly finished = new Map<string, StreamFolder>();
  private readonly refused = new Set<string>();
  private readonly counts: HlsFolderCounters = {
    segmentFiles: 0,
    droppedSegments: 0,
    failedOps: 0,
    removedFiles: 0,
    refusedStreams: 0,
  };
  private readonly timers: HlsTimers;
  private readonly io: FolderIo;
  private readonly now: () => number;
  private closed = false;

  constructor(
    private readonly store: Pick<HlsStore, 'get'>,
    private readonly options: HlsFolderOptions,
  ) {
    this.timers = options.timers ?? unrefTimers;
    this.io = options.io ?? nodeFolderIo;
    this.now = options.now ?? Date.now;
  }

  /** Call after the store ingested `item`. Never throws. */
  onItem(item: HlsFeedItem): void {
    if (this.closed) return;
    try {
      this.apply(item);
    } catch (err) {
      this.options.log.error({ stream: item.stream, err: String(err) }, 'hls folder: unexpected error');
    }
  }

  counters(): HlsFolderCounters {
    return { ...this.counts };
  }

  /** Streams being written now. */
  streams(): string[] {
    return [...this.active.keys()].sort();
  }

  /** Settles when every queued disk operation of every stream is done. */
  async idle(): Promise<void> {
    const folders = [...[...this.active.values()].map((t) => t.folder), ...this.finished.values()];
    await Promise.all(folders.map((f) => f.idle()));
  }

  /**
   * Ends every stream's playlists (EXT-X-ENDLIST; VOD with folderVod), deletes
   * at once what waited for its grace period, and settles when the disk is done.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const waits: Promise<void>[] = [];
    for (const stream of [...this.active.keys()]) waits.push(this.finish(stream));
    for (const folder of this.finished.values()) waits.push(folder.retire(!this.options.vod));
    this.finished.clear();
    await Promise.all(waits);
  }

  private apply(item: HlsFeedItem): void {
    const view = this.store.get(item.stream);
    if (view === undefined) return;
    let tracked = this.active.get(item.stream);
    if (item.type === 'init') {
      if (tracked === undefined) tracked = this.open(item.stream, view);
      else if (tracked.endTimer !== undefined) {
        // A new publish within endAfter: the same playlists go on (with a discontinuity).
        this.timers.clearTimeout(tracked.endTimer);
        tracked.endTimer = undefined;
      }
    }
    if (tracked === undefined) return;
    this.sync(tracked, view);
    if (item.type === 'end' && !view.live && tracked.endTimer === undefined) {
      const endAfterMs = (this.options.endAfter ?? 30) * 1000;
      tracked.endTimer = this.timers.setTimeout(() => void this.finish(item.stream), endAfterMs);
    }
  }

  private open(stream: string, view: HlsStreamView): Tracked | undefined {
    const where = streamDirectory(this.options.folder, stream);
    if ('refused' in where) {
      if (!this.refused.has(stream)) {
        this.refused.add(stream);
        this.counts.refusedStreams++;
        this.options.log.error({ stream, reason: where.refused }, 'hls folder: stream not written');
      }
      return undefined;
    }
    const folder = new StreamFolder({
      stream,
      dir: where.dir,
      format: view.format,
      vod: this.options.vod ?? false,
      windowSegments: Math.max(1, this.options.windowSegments ?? 6),
      maxPendingBytes: this.options.maxPendingBytes ?? 32 * kMiB,
      graceMs: this.options.graceMs,
      io: this.io,
      timers: this.timers,
      log: this.options.log,
      counters: this.counts,
      now: this.now,
    });
    // The previous run of this name must be done with the folder first.
    const previous = this.finished.get(stream);
    this.finished.delete(stream);
    folder.start(previous?.retire(false));
    // Only segments from this publish on (the store may still list an ended one's).
    const tracked: Tracked = { folder, nextMsn: view.nextMsn, inits: new Set(), endTimer: undefined };
    this.active.set(stream, tracked);
    return tracked;
  }

  /** Queues every segment completed since the last look, in order. */
  private sync(tracked: Tracked, view: HlsStreamView): void {
    for (const seg of view.segments) {
      if (seg.msn < tracked.nextMsn) continue;
      this.add(tracked, view, seg);
      tracked.nextMsn = seg.msn + 1;
    }
  }

  private add(tracked: Tracked, view: HlsStreamView, seg: HlsSegmentInfo): void {
    const fmp4 = view.format === 'fmp4';
    const tracks = view.initTracks(seg.initId) ?? view.tracks;
    // TS: one muxed playlist, named after the first track (as the master names it).
    const kinds: HlsTrackKind[] = fmp4 ? tracks.map((t) => t.kind) : [tracks[0]?.kind ?? 'video'];
    tracked.folder.setTracks(kinds, renderMasterPlaylist(view), view.targetDuration);
    if (fmp4 && !tracked.inits.has(seg.initId)) {
      tracked.inits.add(seg.initId);
      const files: FileWrite[] = [];
      for (const kind of kinds) {
        const bytes = view.init(kind, seg.initId);
        if (Buffer.isBuffer(bytes)) files.push({ name: hlsNames.init(view.epoch, seg.initId, kind), bytes, track: undefined });
      }
      tracked.folder.addInit(seg.initId, files);
    }
    const files: FileWrite[] = [];
    const names: string[] = [];
    const missing = new Set<HlsTrackKind>();
    for (const kind of kinds) {
      const name = fmp4 ? hlsNames.segment(view.epoch, seg.msn, kind) : hlsNames.tsSegment(view.epoch, seg.msn);
      names.push(name);
      const bytes = view.segment(kind, seg.msn);
      if (bytes !== undefined && typeof bytes === 'object') files.push({ name, bytes, track: kind });
      else missing.add(kind);
    }
    tracked.folder.addSegment(
      {
        msn: seg.msn,
        initId: seg.initId,
        duration: seg.duration,
        programDateTime: seg.programDateTime,
        discontinuity: seg.discontinuity,
        missing,
        epoch: view.epoch,
      },
      files,
      names,
    );
  }

  /** endAfter passed (or close): the last playlists, then the stream is forgotten. */
  private finish(stream: string): Promise<void> {
    const tracked = this.active.get(stream);
    if (tracked === undefined) return Promise.resolve();
    this.active.delete(stream);
    if (tracked.endTimer !== undefined) this.timers.clearTimeout(tracked.endTimer);
    const done = tracked.folder.finish();
    if (this.closed) return done.then(() => tracked.folder.retire(!this.options.vod));
    this.finished.set(stream, tracked.folder);
    // Forget the folder once its deletions ran (a name never published again costs nothing).
    void done.then(() => this.forgetWhenSettled(stream, tracked.folder));
    return done;
  }

  private forgetWhenSettled(stream: string, folder: StreamFolder): void {
    if (this.finished.get(stream) !== folder) return;
    if (folder.pendingRemovals === 0) {
      this.finished.delete(stream);
      return;
    }
    this.timers.setTimeout(() => this.forgetWhenSettled(stream, folder), 1000);
  }
}

/**
 * Writes the store's streams under options.folder: wraps `store.ingest` on
 * this instance so every item the engine feeds also reaches the writer (after
 * the store applied it). close() the writer when the store closes.
 */
export function attachHlsFolder(store: HlsStore, options: HlsFolderOptions): HlsFolderWriter {
  const writer = new HlsFolderWriter(store, options);
  const ingest = store.ingest.bind(store);
  store.ingest = (item: HlsFeedItem): void => {
    ingest(item);
    writer.onItem(item);
  };
  return writer;
}
