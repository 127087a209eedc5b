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
  if (type === 'counter') {
    new Counter<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const [labels, value] of rows(read())) {
          if (labelNames.length === 0) this.inc(value);
          else this.inc(labels, value);
        }
      },
    });
  } else {
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const [labels, value] of rows(read())) {
          if (labelNames.length === 0) this.set(value);
          else this.set(labels, value);
        }
      },
    });
  }
}

/** One row without labels. */
export function single(value: number): Iterable<Row<never>> {
  return [[{} as Record<never, string>, value]];
}
