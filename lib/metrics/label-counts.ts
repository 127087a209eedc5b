/**
 * Counts keyed by a fixed tuple of label values, for counters that JS keeps
 * (from engine events, auth decisions, HTTP requests). The key set is bounded
 * by the caller: every label value comes from a closed list, or goes through
 * boundedLabel().
 */
export class LabelCounts<L extends string> {
  private readonly counts = new Map<string, { labels: Record<L, string>; value: number }>();

  constructor(private readonly names: readonly L[]) {}

  add(labels: Record<L, string>, n = 1): void {
    const key = this.names.map((name) => labels[name]).join('\u0000');
    const entry = this.counts.get(key);
    if (entry) entry.value += n;
    else this.counts.set(key, { labels: { ...labels }, value: n });
  }

  /** Every (labels, value) counted so far. */
  entries(): IterableIterator<{ labels: Record<L, string>; value: number }> {
    return this.counts.values();
  }

  /** The sum over every label set matching `where`. */
  sum(where: Partial<Record<L, string>> = {}): number {
    let total = 0;
    for (const { labels, value } of this.counts.values()) {
      if (this.names.every((name) => where[name] === undefined || where[name] === labels[name])) total += value;
    }
    return total;
  }
}

/**
 * A label value taken from outside (an error code): kept as is while fewer
 * than `max` distinct values were seen and it looks like one, else "other".
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(
    private readonly max: number,
    private readonly shape: RegExp,
  ) {}

  of(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.max || !this.shape.test(value)) return 'other';
    this.seen.add(value);
    return value;
  }
}
