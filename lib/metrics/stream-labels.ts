/**
 * Which streams get series of their own. At most `max` streams hold a label
 * (`stream="app/name"`) at a time; any other stream is summed under
 * `stream="_other"`. A stream keeps its label for as long as it is live, so a
 * series never flips between its own label and `_other` (which would make
 * both counters jump); a label is given back when its stream is gone, and the
 * next stream asking may take it (one summed under `_other` until then gets a
 * series of its own from 0, while `_other` keeps what it counted).
 */
export const OTHER_STREAMS = '_other';

export class StreamLabels {
  private readonly held = new Set<string>();

  constructor(private readonly max: number) {}

  /** The label of `path` ("app/name"), taking a free one if there is room. */
  labelOf(path: string): string {
    if (this.held.has(path)) return path;
    if (this.held.size < this.max) {
      this.held.add(path);
      return path;
    }
    return OTHER_STREAMS;
  }

  /** Gives back the labels of streams not in `live`; returns the paths released. */
  keepOnly(live: ReadonlySet<string>): string[] {
    const released: string[] = [];
    for (const path of this.held) {
      if (!live.has(path)) {
        this.held.delete(path);
        released.push(path);
      }
    }
    return released;
  }

  size(): number {
    return this.held.size;
  }
}
