/**
 * The page's list of streams from the HLS store: the seam between the page
 * and lib/http/hls. Typed by shape (what the page reads of a stream view), so
 * the page does not depend on the store's internals.
 */
import type { HlsTrackInfo } from '../hls/feed';
import type { StreamSummary } from './types';

/** What summarizing reads of an HlsStreamView. */
export interface SummarizableView {
  readonly stream: string;
  readonly tracks: readonly HlsTrackInfo[];
  readonly live: boolean;
  readonly ended: boolean;
  readonly segments: readonly unknown[];
  readonly open?: unknown;
  readonly availabilityStart?: number | undefined;
}

export interface SummarizableStore {
  streams(): string[];
  get(stream: string): SummarizableView | undefined;
}

/** One stream view as the page shows it. */
export function summarizeView(view: SummarizableView): StreamSummary {
  const summary: StreamSummary = { path: view.stream, live: view.live };
  for (const t of view.tracks) {
    if (t.kind === 'video' && !summary.video) {
      summary.video = { codec: t.codec };
      if (t.width) summary.video.width = t.width;
      if (t.height) summary.video.height = t.height;
      if (t.frameRate) summary.video.frameRate = t.frameRate;
    } else if (t.kind === 'audio' && !summary.audio) {
      summary.audio = { codec: t.codec };
      if (t.sampleRate) summary.audio.sampleRate = t.sampleRate;
      if (t.channels) summary.audio.channels = t.channels;
    }
  }
  if (view.availabilityStart !== undefined) summary.startedAtMs = view.availabilityStart;
  return summary;
}

/**
 * The streams a viewer can watch now: not ended, with something to play (a
 * segment, or the first parts of one). A stream whose publisher just left
 * stays listed (live: false) until its playlist ends: a republish continues it.
 */
export function listHlsStreams(store: SummarizableStore): StreamSummary[] {
  const out: StreamSummary[] = [];
  for (const key of store.streams()) {
    const view = store.get(key);
    if (!view || view.ended) continue;
    if (view.segments.length === 0 && !view.open) continue;
    out.push(summarizeView(view));
  }
  return out;
}
