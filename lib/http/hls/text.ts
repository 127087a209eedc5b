/** Small formatting helpers shared by the playlist and MPD writers (pure). */

/** Milliseconds as seconds with 3 decimals: "2.000". */
export function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Unix ms as ISO 8601 with milliseconds and Z (EXT-X-PROGRAM-DATE-TIME, MPD dates). */
export function isoDate(ms: number): string {
  return new Date(Math.round(ms)).toISOString();
}

/** Appends a query string ("a=1&b=2", with or without a leading '?') to a relative URL. */
export function withQuery(url: string, query: string | undefined): string {
  if (query === undefined || query === '' || query === '?') return url;
  return `${url}${url.includes('?') ? '&' : '?'}${query.startsWith('?') ? query.slice(1) : query}`;
}
