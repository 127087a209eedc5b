/**
 * Builds synthetic feed items the way the engine's segmenter orders them
 * (init, parts in order, then the segment item), for the store and playlist
 * tests. Bytes are small tagged Buffers: these tests check windows and text,
 * not media.
 */
import type { HlsFeedItem, HlsInitItem, HlsPartItem, HlsSegmentItem, HlsTrackInfo } from '../../lib/http/hls/feed';

export const kVideo: HlsTrackInfo = {
  kind: 'video',
  codec: 'avc1.64001f',
  timescale: 90000,
  width: 1280,
  height: 720,
  frameRate: 30,
};
export const kAudio: HlsTrackInfo = {
  kind: 'audio',
  codec: 'mp4a.40.2',
  timescale: 48000,
  sampleRate: 48000,
  channels: 2,
};

export interface PublishOptions {
  stream?: string;
  publishId?: number;
  tracks?: HlsTrackInfo[];
  format?: 'fmp4' | 'ts';
  /** Unix ms of the first sample. */
  wall0?: number;
  /** Part duration in ms (0: no parts). */
  partMs?: number;
}

/** One publish: call init(), then segment() per segment. */
export class FakePublish {
  readonly stream: string;
  readonly publishId: number;
  readonly tracks: HlsTrackInfo[];
  readonly format: 'fmp4' | 'ts';
  readonly partMs: number;
  initId = 0;
  segmentIndex = 0;
  /** Stream-timeline ms of the next sample. */
  t = 0;
  private readonly wall0: number;

  constructor(options: PublishOptions = {}) {
    this.stream = options.stream ?? 'live/cam';
    this.publishId = options.publishId ?? 1;
    this.tracks = options.tracks ?? [kVideo, kAudio];
    this.format = options.format ?? 'fmp4';
    this.partMs = options.partMs ?? (this.format === 'ts' ? 0 : 200);
    this.wall0 = options.wall0 ?? Date.UTC(2026, 0, 1, 12, 0, 0);
  }

  private has(kind: 'video' | 'audio'): boolean {
    return this.tracks.some((t) => t.kind === kind);
  }

  init(initId = this.initId): HlsInitItem {
    this.initId = initId;
    const item: HlsInitItem = {
      type: 'init',
      stream: this.stream,
      publishId: this.publishId,
      initId,
      format: this.format,
      tracks: this.tracks,
    };
    if (this.format === 'fmp4') {
      if (this.has('video')) item.video = Buffer.from(`init-v-${this.publishId}-${initId}`);
      if (this.has('audio')) item.audio = Buffer.from(`init-a-${this.publishId}-${initId}`);
    }
    return item;
  }

  /** The items of one segment of `durationMs`; `bytes` per track per part (or per segment). */
  segment(durationMs = 2000, bytes = 1000): HlsFeedItem[] {
    const items: HlsFeedItem[] = [];
    const start = this.t;
    const seg = this.segmentIndex++;
    let parts = 0;
    if (this.partMs > 0 && this.format === 'fmp4') {
      for (let off = 0; off < durationMs; off += this.partMs) {
        const d = Math.min(this.partMs, durationMs - off);
        const part: HlsPartItem = {
          type: 'part',
          stream: this.stream,
          publishId: this.publishId,
          initId: this.initId,
          segment: seg,
          part: parts,
          start: start + off,
          duration: d,
          independent: parts === 0,
          programDateTime: this.wall0 + start + off,
        };
        if (this.has('video')) part.video = Buffer.alloc(bytes, parts);
        if (this.has('audio')) part.audio = Buffer.alloc(Math.floor(bytes / 10), parts);
        items.push(part);
        parts++;
      }
    }
    const item: HlsSegmentItem = {
      type: 'segment',
      stream: this.stream,
      publishId: this.publishId,
      initId: this.initId,
      segment: seg,
      start,
      duration: durationMs,
      parts,
      independent: true,
      programDateTime: this.wall0 + start,
    };
    if (parts === 0) {
      if (this.format === 'ts') item.ts = Buffer.alloc(bytes, 7);
      else {
        if (this.has('video')) item.video = Buffer.alloc(bytes, 1);
        if (this.has('audio')) item.audio = Buffer.alloc(Math.floor(bytes / 10), 2);
      }
    }
    items.push(item);
    this.t += durationMs;
    return items;
  }

  end(): HlsFeedItem {
    return { type: 'end', stream: this.stream, publishId: this.publishId, reason: 'unpublished' };
  }
}
