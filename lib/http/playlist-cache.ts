/**
 * The last text (and ETag) of each playlist, per stream view: when one part
 * releases hundreds of blocked reloads, the playlist is written and hashed
 * once, not once per viewer. Rendering is a pure function of the view, so the
 * text may be reused while the view's state is the same.
 *
 * The view has no revision counter; its state is summed up by what a change
 * moves: the next msn, the parts of the open segment, the first msn and count
 * of the window, live/ended, and the time of the last change.
 */
import type { HlsStreamView } from './hls/view';
import { etagOf } from './responses';

export interface CachedText {
  text: string;
  etag: string;
}

/** Distinct (track, skip, query) variants kept per view; past it the map starts over. */
const MAX_VARIANTS = 64;

function stateOf(view: HlsStreamView): string {
  const first = view.segments[0]?.msn ?? -1;
  const open = view.open?.parts.length ?? -1;
  return `${view.nextMsn}/${open}/${first}/${view.segments.length}/${view.live}/${view.ended}/${view.updatedAt}`;
}

export class PlaylistCache {
  private readonly byView = new WeakMap<HlsStreamView, Map<string, CachedText & { state: string }>>();

  /** The text for `variant` of this view, rendered only when the view changed since last time. */
  get(view: HlsStreamView, variant: string, render: () => string): CachedText {
    let variants = this.byView.get(view);
    if (!variants) {
      variants = new Map();
      this.byView.set(view, variants);
    }
    const state = stateOf(view);
    const hit = variants.get(variant);
    if (hit && hit.state === state) return hit;
    const text = render();
    const entry = { text, etag: etagOf(text), state };
    if (!hit && variants.size >= MAX_VARIANTS) variants.clear();
    variants.set(variant, entry);
    return entry;
  }
}
