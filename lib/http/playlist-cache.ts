/**
 * The last text (and ETag) of each playlist, per stream view: when one part
 * releases hundreds of blocked reloads, the playlist is written and hashed
 * once, not once per viewer. Rendering is a pure function of the view, so the
 * text may be reused while the view's state is the same.
 *
 * A view's state is named by its epoch and version (the version goes up with
 * every change a reader can see).
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
  return `${view.epoch}/${view.version}`;
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
