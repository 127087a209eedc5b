/**
 * One stream's sliding window: turns the engine's feed items (numbered per
 * publish, from 0) into public segments (numbered once for the stream's life)
 * and holds their bytes. No timers and no waiters here: HlsStore owns those.
 *
 * Choices where the feed leaves room:
 * - Numbering. A segment gets its Media Sequence Number when its first item
 *   arrives and keeps it; numbers never repeat and never skip (RFC 8216bis
 *   §6.2.1: a segment's msn and URI name fixed content). A new publishId or a
 *   new engine init starts a new segment marked EXT-X-DISCONTINUITY (§4.4.4.3:
 *   the timestamps restart or the encoding changes).
 * - Bytes once. A segment with parts keeps its parts' Buffers and is served as
 *   that list (Buffer[]), never concatenated: concatenating would copy every
 *   byte once more and hold two copies while parts are still served; a socket
 *   writes a list as cheaply as one Buffer. Only byte ranges need to walk it.
 * - Lost items (the feed channel drops when JS falls behind). A segment that
 *   missed a part, or whose parts do not add up to what its `segment` item
 *   says, keeps its number and is listed with EXT-X-GAP (RFC 8216bis §4.4.4.7:
 *   the segment "does not contain media data and SHOULD NOT be loaded"), its
 *   bytes dropped. Cutting it out with a discontinuity instead would have to
 *   reuse or skip a number that parts already listed under it. Whole segments
 *   lost between two that arrived become one gap segment spanning the missing
 *   time, so the playlist's durations still add up to the media timeline.
 * - Window. At most `windowSegments` complete segments, fewer if the bytes
 *   (parts of the open segment and init segments included) pass
 *   `maxStreamBytes`: the oldest go first. A segment that slid out answers
 *   'expired' for as long as the stream is known (the handler's 410).
 */
import type { HlsFeedItem, HlsInitItem, HlsPartItem, HlsSegmentItem, HlsTrackInfo, HlsTrackKind } from './feed';
import type { HlsBandwidth, HlsLookup, HlsPartInfo, HlsSegmentInfo, HlsStreamView } from './view';

export interface StreamWindowLimits {
  windowSegments: number;
  maxStreamBytes: number;
  /** Seconds. */
  segmentTarget: number;
  /** Seconds (0: parts are not expected). */
  partTarget: number;
  /** PART-HOLD-BACK in parts (default 3). */
  partHoldBack?: number;
}

type TrackBytes = Partial<Record<HlsTrackKind, Buffer>>;

interface InitRecord {
  tracks: readonly HlsTrackInfo[];
  bytes: TrackBytes;
}

interface SegmentRecord extends HlsSegmentInfo {
  publishId: number;
  engineInit: number;
  engineSegment: number;
  parts: HlsPartInfo[];
  bytes: Partial<Record<HlsTrackKind, number>>;
  /** An item of this segment was lost: it closes as a gap. */
  lossy: boolean;
  partBytes: TrackBytes[];
  whole: TrackBytes | undefined;
  ts: Buffer | undefined;
  size: number;
}

/** A part may end a hair off the next part's start (ms rounding of two timescales). */
const kContiguousMs = 1;

const kKinds: readonly HlsTrackKind[] = ['video', 'audio'];

export class StreamWindow implements HlsStreamView {
  format: 'fmp4' | 'ts' = 'fmp4';
  tracks: readonly HlsTrackInfo[] = [];
  hasParts = false;
  partTarget: number;
  readonly partHoldBack: number;
  targetDuration: number;
  segmentTarget: number;
  discontinuitySequence = 0;
  segments: SegmentRecord[] = [];
  open: SegmentRecord | undefined = undefined;
  nextMsn = 0;
  live = false;
  ended = false;
  availabilityStart: number | undefined = undefined;
  updatedAt: number;
  version = 0;
  /** Items that could not be placed (stale, duplicate, before their init). */
  ignoredItems = 0;
  /** Segments listed as gaps. */
  gapSegments = 0;

  private readonly inits = new Map<number, InitRecord>();
  private nextInitId = 0;
  private current: { publishId: number; engineInit: number; initId: number } | undefined;
  /** The last engine segment index seen in the current publish/init (-1: none). */
  private lastEngineSegment = -1;
  /** Where the next segment of the current publish/init should start (ms), once known. */
  private expectedStart: number | undefined;
  private pendingDiscontinuity = false;
  /** The msn that began the current run of segments without a discontinuity or gap. */
  private run = 0;
  private lastClosedGap = false;
  private totalBytes = 0;

  constructor(
    readonly stream: string,
    readonly epoch: string,
    private readonly limits: StreamWindowLimits,
    now: number,
  ) {
    this.segmentTarget = limits.segmentTarget;
    this.targetDuration = Math.max(1, Math.ceil(limits.segmentTarget));
    this.partTarget = limits.partTarget;
    this.partHoldBack = limits.partHoldBack ?? 3;
    this.updatedAt = now;
  }

  /** Applies one item; true when anything a reader sees changed. */
  ingest(item: HlsFeedItem, now: number): boolean {
    let changed: boolean;
    switch (item.type) {
      case 'init':
        changed = this.onInit(item);
        break;
      case 'part':
        changed = this.onPart(item);
        break;
      case 'segment':
        changed = this.onSegment(item);
        break;
      case 'end':
        changed = this.onEnd(item.publishId);
        break;
    }
    if (changed) {
      this.trim();
      this.updatedAt = now;
      this.version++;
    } else {
      this.ignoredItems++;
    }
    return changed;
  }

  /** The current publish, while it is live (the store's stall rule ends it with this id). */
  get livePublishId(): number | undefined {
    return this.live ? this.current?.publishId : undefined;
  }

  /** The publisher stayed away past endAfter: the playlist ends (EXT-X-ENDLIST). */
  finish(now: number): void {
    this.closeOpen(undefined);
    this.ended = true;
    this.updatedAt = now;
    this.version++;
  }

  /** The Media Sequence Number of the last complete segment (-1 before the first). */
  get lastCompleteMsn(): number {
    return (this.open ? this.open.msn : this.nextMsn) - 1;
  }

  /** All bytes held: parts, segments and init segments. */
  get heldBytes(): number {
    return this.totalBytes;
  }

  /**
   * Whether a blocking reload for (msn, part) can be answered now
   * (RFC 8216bis §6.2.5.2): segment msn complete when part is undefined; else
   * the part listed, where a part past a complete segment's last one means
   * part 0 of the next segment.
   */
  isReady(msn: number, part: number | undefined): boolean {
    if (this.ended) return true;
    const last = this.lastCompleteMsn;
    if (part === undefined) return msn <= last;
    const first = this.segments[0]?.msn ?? last + 1;
    if (msn < first) return msn <= last;
    if (msn <= last) {
      const seg = this.segments[msn - first];
      if (seg !== undefined && part < seg.parts.length) return true;
      return this.isReady(msn + 1, 0);
    }
    return this.open !== undefined && msn === this.open.msn && part < this.open.parts.length;
  }

  /**
   * RFC 8216bis §6.2.5.2: a request more than two segments past the last one,
   * or a part further past the last listed part than the Advance Part Limit
   * (3 / PART-TARGET below one second, else 3), is refused at once.
   */
  isTooFar(msn: number, part: number | undefined): boolean {
    if (this.ended) return false;
    if (msn > this.lastCompleteMsn + 2) return true;
    if (part === undefined || this.open === undefined || msn !== this.open.msn) return false;
    const limit = this.partTarget > 0 && this.partTarget < 1 ? Math.floor(3 / this.partTarget) : 3;
    return part > this.open.parts.length - 1 + limit;
  }

  initTracks(initId: number): readonly HlsTrackInfo[] | undefined {
    return this.inits.get(initId)?.tracks;
  }

  bandwidth(track: HlsTrackKind): HlsBandwidth {
    let peak = 0;
    let bytes = 0;
    let ms = 0;
    const full = this.segments.filter((s) => !s.gap && s.duration > 0);
    const measured = full.length > 0 ? full : this.open && this.open.duration > 0 ? [this.open] : [];
    for (const seg of measured) {
      const b = seg.bytes[track] ?? 0;
      peak = Math.max(peak, (b * 8000) / seg.duration);
      bytes += b;
      ms += seg.duration;
    }
    return { peak: Math.ceil(peak), average: ms > 0 ? Math.ceil((bytes * 8000) / ms) : 0 };
  }

  init(track: HlsTrackKind, initId: number): HlsLookup {
    const rec = this.inits.get(initId);
    if (rec) return rec.bytes[track];
    return initId >= 0 && initId < this.nextInitId ? 'expired' : undefined;
  }

  segment(track: HlsTrackKind, msn: number): HlsLookup {
    const seg = this.find(msn);
    if (seg === undefined) return this.outside(msn);
    if (seg === this.open) return 'future';
    if (seg.gap) return undefined;
    if (seg.ts) return seg.ts;
    if (seg.whole) return seg.whole[track];
    const list = seg.partBytes.map((p) => p[track]).filter((b): b is Buffer => b !== undefined);
    return list.length > 0 ? list : undefined;
  }

  part(track: HlsTrackKind, msn: number, part: number): HlsLookup {
    const seg = this.find(msn);
    if (seg === undefined) return this.outside(msn);
    if (part < 0) return undefined;
    if (part < seg.parts.length) return seg.partBytes[part]?.[track];
    return seg === this.open && !seg.lossy ? 'future' : undefined;
  }

  etag(kind: 'init' | 'segment' | 'part', track: HlsTrackKind, id: number, part?: number): string {
    const which = this.format === 'ts' && kind === 'segment' ? 'ts' : track;
    return `"${this.epoch}-${kind}-${which}-${id}${part === undefined ? '' : `.${part}`}"`;
  }

  // ---- ingest ----------------------------------------------------------------

  private onInit(item: HlsInitItem): boolean {
    const cur = this.current;
    if (cur && cur.publishId === item.publishId && cur.engineInit === item.initId) return false;
    this.closeOpen(undefined);
    const initId = this.nextInitId++;
    const bytes: TrackBytes = {};
    if (item.video) bytes.video = item.video;
    if (item.audio) bytes.audio = item.audio;
    const tracks = [...item.tracks].sort((a, b) => kKinds.indexOf(a.kind) - kKinds.indexOf(b.kind));
    this.inits.set(initId, { tracks, bytes });
    this.totalBytes += (item.video?.length ?? 0) + (item.audio?.length ?? 0);
    this.current = { publishId: item.publishId, engineInit: item.initId, initId };
    this.format = item.format;
    this.tracks = tracks;
    this.lastEngineSegment = -1;
    this.expectedStart = undefined;
    // The first segment of the stream needs no discontinuity; every later start does.
    this.pendingDiscontinuity = this.nextMsn > 0;
    this.live = true;
    this.ended = false;
    return true;
  }

  private onPart(item: HlsPartItem): boolean {
    if (!this.isCurrent(item.publishId, item.initId)) return false;
    this.hasParts = this.format === 'fmp4';
    let seg = this.open;
    if (seg === undefined || seg.engineSegment !== item.segment) {
      if (item.segment <= this.lastEngineSegment) return false; // stale
      seg = this.startSegment(item, item.part !== 0);
      this.open = seg;
    }
    const expected = seg.partBytes.length;
    if (item.part < expected) return false; // duplicate or reordered
    if (seg.lossy) return false;
    if (item.part > expected) {
      // A part was lost: the segment will be a gap; stop listing its parts now.
      seg.lossy = true;
      return true;
    }
    const bytes: TrackBytes = {};
    const counts: Partial<Record<HlsTrackKind, number>> = {};
    let size = 0;
    for (const kind of kKinds) {
      const b = item[kind];
      if (b === undefined || b.length === 0) continue;
      bytes[kind] = b;
      counts[kind] = b.length;
      seg.bytes[kind] = (seg.bytes[kind] ?? 0) + b.length;
      size += b.length;
    }
    seg.partBytes.push(bytes);
    seg.parts.push({
      index: item.part,
      start: item.start,
      duration: item.duration,
      independent: item.independent,
      programDateTime: item.programDateTime,
      bytes: counts,
    });
    seg.size += size;
    this.totalBytes += size;
    seg.duration = item.start + item.duration - seg.start;
    this.partTarget = Math.max(this.partTarget, item.duration / 1000);
    this.noteFirstSample(item);
    return true;
  }

  private onSegment(item: HlsSegmentItem): boolean {
    if (!this.isCurrent(item.publishId, item.initId)) return false;
    let seg = this.open;
    if (seg === undefined || seg.engineSegment !== item.segment) {
      if (item.segment <= this.lastEngineSegment) return false; // stale
      // No part of it arrived: a whole segment (no parts), or all its parts were lost.
      seg = this.startSegment(item, item.parts > 0);
    }
    this.open = undefined;
    seg.start = item.start;
    seg.duration = item.duration;
    seg.programDateTime = item.programDateTime;
    seg.independent = item.independent;
    if (item.parts === 0 && !seg.lossy) {
      const whole: TrackBytes = {};
      let size = 0;
      for (const kind of kKinds) {
        const b = item[kind];
        if (b === undefined || b.length === 0) continue;
        whole[kind] = b;
        seg.bytes[kind] = b.length;
        size += b.length;
      }
      if (item.ts) {
        seg.ts = item.ts;
        seg.bytes[this.tracks[0]?.kind ?? 'video'] = item.ts.length;
        size += item.ts.length;
      } else {
        seg.whole = whole;
      }
      seg.size += size;
      this.totalBytes += size;
      if (size === 0) seg.lossy = true;
    } else if (item.parts !== seg.partBytes.length) {
      seg.lossy = true;
    }
    this.noteFirstSample(item);
    this.close(seg);
    return true;
  }

  private onEnd(publishId: number): boolean {
    if (this.current?.publishId !== publishId || !this.live) return false;
    this.closeOpen(undefined);
    this.live = false;
    return true;
  }

  private isCurrent(publishId: number, engineInit: number): boolean {
    const cur = this.current;
    return cur !== undefined && cur.publishId === publishId && cur.engineInit === engineInit;
  }

  /** A new public segment for the engine segment `item.segment` (closing the open one). */
  private startSegment(item: HlsPartItem | HlsSegmentItem, lossy: boolean): SegmentRecord {
    this.closeOpen(item.start);
    // Whole engine segments lost in between: one gap segment spans their time.
    if (item.segment > this.lastEngineSegment + 1 && this.expectedStart !== undefined) {
      const missing = item.start - this.expectedStart;
      if (missing > 0) {
        const gap = this.newSegment(item, this.expectedStart, true);
        gap.duration = missing;
        gap.programDateTime = item.programDateTime - missing;
        this.close(gap);
      }
    }
    this.lastEngineSegment = item.segment;
    const start = lossy && this.expectedStart !== undefined ? this.expectedStart : item.start;
    return this.newSegment(item, start, lossy);
  }

  private newSegment(item: HlsPartItem | HlsSegmentItem, start: number, lossy: boolean): SegmentRecord {
    const discontinuity = this.pendingDiscontinuity;
    this.pendingDiscontinuity = false;
    const msn = this.nextMsn++;
    if (discontinuity || this.lastClosedGap || msn === 0) this.run = msn;
    return {
      msn,
      run: this.run,
      initId: this.current?.initId ?? 0,
      start,
      duration: 0,
      programDateTime: item.programDateTime - (item.start - start),
      independent: item.independent,
      discontinuity,
      gap: false,
      parts: [],
      bytes: {},
      publishId: item.publishId,
      engineInit: item.initId,
      engineSegment: item.segment,
      lossy,
      partBytes: [],
      whole: undefined,
      ts: undefined,
      size: 0,
    };
  }

  /**
   * Closes the open segment without its `segment` item (that item was lost, or
   * the publish ended or changed). Its parts are trusted as complete only when
   * they run up to where the next segment starts (or nothing follows).
   */
  private closeOpen(nextStart: number | undefined): void {
    const seg = this.open;
    if (seg === undefined) return;
    this.open = undefined;
    const end = seg.start + seg.duration;
    if (nextStart !== undefined) {
      if (Math.abs(nextStart - end) > kContiguousMs) seg.lossy = true;
      if (nextStart > seg.start) seg.duration = nextStart - seg.start;
    }
    if (seg.partBytes.length === 0) seg.lossy = true;
    this.close(seg);
  }

  private close(seg: SegmentRecord): void {
    if (seg.lossy) {
      seg.gap = true;
      seg.parts = [];
      seg.partBytes = [];
      seg.whole = undefined;
      seg.ts = undefined;
      seg.bytes = {};
      this.totalBytes -= seg.size;
      seg.size = 0;
      this.gapSegments++;
    }
    if (seg.duration <= 0) seg.duration = 1;
    this.segments.push(seg);
    this.lastClosedGap = seg.gap;
    this.expectedStart = seg.start + seg.duration;
    // RFC 8216bis §4.4.3.1: every EXTINF rounded ≤ EXT-X-TARGETDURATION; it only grows.
    this.targetDuration = Math.max(this.targetDuration, Math.ceil(seg.duration / 1000));
  }

  /** The wall-clock time of the first publish's timeline zero (DASH availabilityStartTime). */
  private noteFirstSample(item: HlsPartItem | HlsSegmentItem): void {
    if (this.availabilityStart === undefined) this.availabilityStart = Math.floor(item.programDateTime - item.start);
  }

  // ---- window ----------------------------------------------------------------

  private trim(): void {
    const { windowSegments, maxStreamBytes } = this.limits;
    while (
      this.segments.length > windowSegments ||
      (this.segments.length > 0 && this.totalBytes > maxStreamBytes)
    ) {
      const seg = this.segments.shift() as SegmentRecord;
      this.totalBytes -= seg.size;
      // RFC 8216bis §4.4.3.3: removing an EXT-X-DISCONTINUITY bumps the sequence.
      if (seg.discontinuity) this.discontinuitySequence++;
    }
    this.pruneInits();
  }

  /** Init segments no listed segment needs (and not the current one) are dropped. */
  private pruneInits(): void {
    for (const [id, rec] of this.inits) {
      if (id === this.current?.initId) continue;
      if (this.segments.some((s) => s.initId === id) || this.open?.initId === id) continue;
      this.totalBytes -= (rec.bytes.video?.length ?? 0) + (rec.bytes.audio?.length ?? 0);
      this.inits.delete(id);
    }
  }

  private find(msn: number): SegmentRecord | undefined {
    if (this.open && this.open.msn === msn) return this.open;
    const first = this.segments[0];
    if (first === undefined) return undefined;
    return this.segments[msn - first.msn];
  }

  /** A segment not held: slid out, next to come, or never. */
  private outside(msn: number): HlsLookup {
    const first = this.segments[0]?.msn ?? this.open?.msn ?? this.nextMsn;
    if (msn >= 0 && msn < first) return 'expired';
    const next = this.open ? this.open.msn + 1 : this.nextMsn;
    return !this.ended && (msn === next || msn === next + 1) ? 'future' : undefined;
  }
}
