/**
 * A fixed number of samples of a few numeric columns, oldest overwritten
 * first: the memory of one stream's last minutes is allocated once (typed
 * arrays) whatever its age.
 */
export class History<C extends string> {
  private readonly times: Float64Array;
  private readonly columns: Record<C, Float64Array>;
  /** Index the next sample goes to. */
  private next = 0;
  private count = 0;

  constructor(
    readonly capacity: number,
    names: readonly C[],
  ) {
    this.times = new Float64Array(capacity);
    this.columns = Object.fromEntries(names.map((n) => [n, new Float64Array(capacity)])) as Record<C, Float64Array>;
  }

  get size(): number {
    return this.count;
  }

  push(time: number, values: Readonly<Record<C, number>>): void {
    this.times[this.next] = time;
    for (const name of Object.keys(this.columns) as C[]) this.columns[name][this.next] = values[name];
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** Mean of a column over the newest `n` samples (fewer when younger); undefined when empty. */
  mean(name: C, n: number): number | undefined {
    const take = Math.min(n, this.count);
    if (take === 0) return undefined;
    let sum = 0;
    for (let i = 1; i <= take; i++) sum += this.columns[name][(this.next - i + this.capacity) % this.capacity] as number;
    return sum / take;
  }

  /** Oldest first: `{ t: [...], <column>: [...] }`. */
  series(): { t: number[] } & Record<C, number[]> {
    const start = (this.next - this.count + this.capacity) % this.capacity;
    const pick = (a: Float64Array): number[] => {
      const out = new Array<number>(this.count);
      for (let i = 0; i < this.count; i++) out[i] = a[(start + i) % this.capacity] as number;
      return out;
    };
    const out: Record<string, number[]> = { t: pick(this.times) };
    for (const name of Object.keys(this.columns) as C[]) out[name] = pick(this.columns[name]);
    return out as { t: number[] } & Record<C, number[]>;
  }
}
