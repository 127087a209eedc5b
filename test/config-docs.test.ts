// docs/configuration.md repeats each section's defaults in a table; this test
// keeps every table row equal to the section's defaults object (lib/options/),
// and every defaulted option documented.
import { readFileSync } from 'fs';
import { join } from 'path';

import {
  ACCESS_DEFAULTS,
  ADMIN_DEFAULTS,
  AUTH_DEFAULTS,
  FRAMES_DEFAULTS,
  DEFAULT_LOG_LEVEL,
  GOP_CACHE_DEFAULTS,
  HLS_DEFAULTS,
  HTTP_DEFAULTS,
  LIMITS_DEFAULTS,
  PLAYERS_DEFAULTS,
  RTMP_DEFAULTS,
  RTMPS_DEFAULTS,
  STREAMS_DEFAULTS,
} from '../lib/options';

const docs = readFileSync(join(__dirname, '..', 'docs', 'configuration.md'), 'utf8');

/** Rows `| \`key\` | default cell | …` of the table under the heading that names `section`. */
function tableOf(heading: string): Map<string, string> {
  const start = docs.indexOf(`\n## ${heading}`);
  if (start < 0) throw new Error(`docs/configuration.md has no "## ${heading}" section`);
  const end = docs.indexOf('\n## ', start + 1);
  const rows = new Map<string, string>();
  for (const line of docs.slice(start, end < 0 ? undefined : end).split('\n')) {
    const m = /^\| `([^`]+)` \| ([^|]*) \|/.exec(line);
    if (m?.[1] && m[2] !== undefined) rows.set(m[1], m[2].trim());
  }
  return rows;
}

/** The first `…` literal of a default cell as a value (undefined when it is prose). */
function literal(cell: string): unknown {
  const m = /^`([^`]*)`/.exec(cell);
  if (!m?.[1]) return undefined;
  try {
    return JSON.parse(m[1]);
  } catch {
    return undefined;
  }
}

const sections: Array<{ heading: string; defaults: Record<string, unknown>; prefix?: string; noDefault?: string[] }> = [
  { heading: '`rtmp`', defaults: RTMP_DEFAULTS },
  { heading: '`rtmps`', defaults: RTMPS_DEFAULTS, noDefault: ['host', 'cert', 'key'] },
  {
    heading: '`streams`',
    defaults: {
      ...STREAMS_DEFAULTS,
      gopCache: true, // true means GOP_CACHE_DEFAULTS, listed as gopCache.* rows
      ...Object.fromEntries(Object.entries(GOP_CACHE_DEFAULTS).map(([k, v]) => [`gopCache.${k}`, v])),
    },
  },
  { heading: '`players`', defaults: PLAYERS_DEFAULTS },
  { heading: '`limits`', defaults: LIMITS_DEFAULTS },
  { heading: '`access`', defaults: ACCESS_DEFAULTS },
  { heading: '`auth`', defaults: AUTH_DEFAULTS, noDefault: ['publishKeys'] },
  { heading: '`frames`', defaults: FRAMES_DEFAULTS, prefix: 'frames.' },
  { heading: '`http`', defaults: HTTP_DEFAULTS, prefix: 'http.' },
  { heading: '`hls`', defaults: HLS_DEFAULTS, prefix: 'hls.' },
  { heading: '`admin`', defaults: ADMIN_DEFAULTS, prefix: 'admin.', noDefault: ['tokens'] },
  { heading: 'Logging', defaults: { logLevel: DEFAULT_LOG_LEVEL }, noDefault: ['logger'] },
];

describe('docs/configuration.md: defaults tables', () => {
  it.each(sections)('$heading lists every option with its default', ({ heading, defaults, prefix = '', noDefault = [] }) => {
    const rows = tableOf(heading);
    for (const [key, value] of Object.entries(defaults)) {
      const cell = rows.get(prefix + key);
      expect({ option: prefix + key, documented: cell !== undefined }).toEqual({ option: prefix + key, documented: true });
      expect({ option: prefix + key, default: literal(cell ?? '') }).toEqual({ option: prefix + key, default: value });
    }
    const known = new Set([...Object.keys(defaults), ...noDefault].map((k) => prefix + k));
    expect([...rows.keys()].filter((k) => !known.has(k))).toEqual([]);
  });
});
