/**
 * Monotonic totals from counters that live on short-lived objects the engine
 * lists (frame and packet subscriptions): each scrape adds what every listed
 * object gained since the last scrape. An object no longer listed is gone for
 * good (ids are not reused), so it is forgotten; what it gained after its
 * last scrape is not counted.
 */
export class GrowthLedger {
  readonly totals: number[];
  private seen = new Map<number, readonly number[]>();

  constructor(private readonly width: number) {
    this.totals = new Array<number>(width).fill(0);
  }

  update(items: Iterable<{ id: number; values: readonly number[] }>): void {
    const next = new Map<number, readonly number[]>();
    for (const { id, values } of items) {
      const before = this.seen.get(id);
      for (let i = 0; i < this.width; i++) {
        const now = values[i] ?? 0;
        const was = before?.[i] ?? 0;
        if (now > was) this.totals[i]! += now - was;
      }
      next.set(id, values);
    }
    this.seen = next;
  }
}
