/**
 * Parses the raw RTMP query string ("token=abc&expires=1700000000", app and
 * stream queries joined by the engine) into a plain object.
 *
 * - Percent-escapes are decoded; a malformed escape leaves that part as sent.
 * - `+` stays `+`: stream keys and signed tokens often carry base64, and
 *   encoders paste them raw (this is not a form body).
 * - A repeated key keeps its last value (the stream's query follows the app's,
 *   so the stream wins).
 * - A key without `=` maps to "". Empty keys are skipped.
 * - Built with Object.fromEntries, so "__proto__" is an ordinary own key.
 */
export function parseQuery(raw: string): Record<string, string> {
  const text = raw.startsWith('?') ? raw.slice(1) : raw;
  const entries: Array<[string, string]> = [];
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decode(eq === -1 ? part : part.slice(0, eq));
    if (key === '') continue;
    entries.push([key, eq === -1 ? '' : decode(part.slice(eq + 1))]);
  }
  return Object.fromEntries(entries);
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
