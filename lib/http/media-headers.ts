/**
 * Response headers of immutable media bodies (init segments, segments,
 * parts), built once per body and kept beside it: a WeakMap keyed by the
 * body's Buffer, so they go when the store lets the bytes go. A request then
 * hands `writeHead` a ready flat `[name, value, …]` array: no header object
 * to spread, no length to add up or number to format per request.
 *
 * An entry is only reused for the same ETag: a Buffer shared by several
 * resources (a synthetic feed may do that) gets its headers rebuilt instead
 * of another resource's tag. A segment served as the list of its parts is
 * keyed by its first part, apart from that part's own entry.
 */
interface Entry {
  etag: string;
  contentType: string;
  headers: string[];
}

export class MediaHeaders {
  private readonly single = new WeakMap<Buffer, Entry>();
  private readonly joined = new WeakMap<Buffer, Entry>();
  private readonly extra: string[];

  /** `extra`: headers every media answer carries (CORS), as name/value pairs. */
  constructor(
    private readonly cacheControl: string,
    extra: ReadonlyArray<readonly [string, string]> = [],
  ) {
    this.extra = extra.flatMap(([k, v]) => [k, v]);
  }

  /** The 200 headers of `body`, whose strong ETag is `etag`. */
  of(body: Buffer | readonly Buffer[], etag: string, contentType: string): string[] {
    const single = Buffer.isBuffer(body);
    const key = single ? body : (body as readonly Buffer[])[0];
    if (key === undefined) return this.build(0, etag, contentType);
    const map = single ? this.single : this.joined;
    const hit = map.get(key);
    if (hit !== undefined && hit.etag === etag && hit.contentType === contentType) return hit.headers;
    let size = 0;
    if (single) size = (body as Buffer).length;
    else for (const b of body as readonly Buffer[]) size += b.length;
    const headers = this.build(size, etag, contentType);
    map.set(key, { etag, contentType, headers });
    return headers;
  }

  private build(size: number, etag: string, contentType: string): string[] {
    return [
      'Content-Type',
      contentType,
      'Cache-Control',
      this.cacheControl,
      'ETag',
      etag,
      'Accept-Ranges',
      'bytes',
      'Content-Length',
      String(size),
      ...this.extra,
    ];
  }
}

/**
 * A playlist text's encoded bytes and 200 headers, kept beside the cached
 * text (lib/http/playlist-cache.ts keeps one object per text and view state):
 * the viewers released together by one part get one UTF-8 encoding and one
 * header array between them, per Cache-Control value.
 */
export class PlaylistBodies {
  private readonly byText = new WeakMap<object, { bytes: Buffer; headers: Map<string, string[]> }>();
  private readonly extra: string[];

  constructor(
    private readonly contentType: string,
    extra: ReadonlyArray<readonly [string, string]> = [],
  ) {
    this.extra = extra.flatMap(([k, v]) => [k, v]);
  }

  of(cached: { text: string; etag: string }, cacheControl: string): { bytes: Buffer; headers: string[] } {
    let entry = this.byText.get(cached);
    if (entry === undefined) {
      entry = { bytes: Buffer.from(cached.text), headers: new Map() };
      this.byText.set(cached, entry);
    }
    let headers = entry.headers.get(cacheControl);
    if (headers === undefined) {
      headers = [
        'Content-Type',
        this.contentType,
        'Cache-Control',
        cacheControl,
        'ETag',
        cached.etag,
        'Content-Length',
        String(entry.bytes.length),
        ...this.extra,
      ];
      entry.headers.set(cacheControl, headers);
    }
    return { bytes: entry.bytes, headers };
  }
}
