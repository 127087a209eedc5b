/**
 * Rendered playlist/MPD text per stream state. When one part releases a
 * thousand blocked reloads at once, they all ask for the same text: render it
 * once per (state, variant) and hand out the same string. A state is the
 * view's epoch and version; a newer version drops the older texts of that
 * stream, so the cache holds at most the variants of the latest state per
 * stream (a handful of strings).
 */
import type { HlsStreamView } from './view';

export class HlsTextCache {
  private readonly byStream = new Map<string, { state: string; texts: Map<string, string | undefined> }>();

  /** The text for `key` (e.g. "video.m3u8?skip&token=…") of the view's current state. */
  get(view: HlsStreamView, key: string, render: () => string | undefined): string | undefined {
    const state = `${view.epoch}/${view.version}`;
    let entry = this.byStream.get(view.stream);
    if (entry === undefined || entry.state !== state) {
      entry = { state, texts: new Map() };
      this.byStream.set(view.stream, entry);
    }
    if (entry.texts.has(key)) return entry.texts.get(key);
    const text = render();
    entry.texts.set(key, text);
    return text;
  }

  /** Forget a stream (or every stream). */
  clear(stream?: string): void {
    if (stream === undefined) this.byStream.clear();
    else this.byStream.delete(stream);
  }
}
