/**
 * A metric family whose values are read on scrape: every collect starts from
 * nothing (reset) and sets the rows the scrape gives, so a series that is no
 * longer there (a stream that ended) disappears instead of going stale.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

import type { ScrapeData } from './scrape';

export type Row<L extends string> = readonly [Record<L, string>, number];

export interface FamilySpec<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  rows: (data: ScrapeData) => Iterable<Row<L>>;
}

export function addFamily<L extends string>(
  registry: Registry,
  type: 'counter' | 'gauge',
  read: () => ScrapeData,
  spec: FamilySpec<L>,
): void {
  const { name, help, labelNames, rows } = spec;
  const base = { name, help, labelNames, registers: [registry] };
  // Each row through `put`: inc for a counter, set for a gauge; without label names, the value alone.
  const collectRows = (put: (labels: Record<L, string> | null, value: number) => void): void => {
    for (const [labels, value] of rows(read())) put(labelNames.length === 0 ? null : labels, value);
  };
  if (type === 'counter') {
    new Counter<L>({
      ...base,
      collect() {
        this.reset();
        collectRows((labels, value) => (labels ? this.inc(labels, value) : this.inc(value)));
      },
    });
  } else {
    new Gauge<L>({
      ...base,
      collect() {
        this.reset();
        collectRows((labels, value) => (labels ? this.set(labels, value) : this.set(value)));
      },
    });
  }
}

/** One row without labels. */
export function single(value: number): Iterable<Row<never>> {
  return [[{} as Record<never, string>, value]];
}
