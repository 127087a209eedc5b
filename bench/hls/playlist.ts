/**
 * The little of an HLS media playlist the load tools need (RFC 8216bis §4.4): media sequence,
 * target duration, the segments (URI, duration, program date-time) and the LL-HLS parts
 * (EXT-X-PART, §4.4.4.9) with the segment each belongs to. Not a validating parser: a bench
 * reads what a player reads and ignores the rest.
 */

export interface ListedPart {
  msn: number; // the Parent Segment's media sequence number
  index: number; // the part's index within that segment (0-based)
  uri: string;
  duration: number; // s
  independent: boolean;
  /** Unix ms of the part's first sample, when the parent segment has EXT-X-PROGRAM-DATE-TIME. */
  programDateTime?: number;
}

export interface ListedSegment {
  msn: number;
  uri: string;
  duration: number; // s
  programDateTime?: number; // Unix ms
}

export interface MediaPlaylist {
  mediaSequence: number;
  targetDuration: number; // s
  partTarget?: number; // s (EXT-X-PART-INF)
  canBlockReload: boolean;
  ended: boolean;
  segments: ListedSegment[]; // complete segments, in order
  parts: ListedPart[]; // every listed part, in order (of complete and of the open segment)
}

function attribute(line: string, name: string): string | undefined {
  // Attribute lists (§4.2): NAME=value or NAME="quoted value", comma separated.
  const re = new RegExp(`(?:^|[:,])${name}=("[^"]*"|[^,]*)`);
  const m = re.exec(line);
  if (!m || m[1] === undefined) return undefined;
  return m[1].startsWith('"') ? m[1].slice(1, -1) : m[1];
}

export function parseMediaPlaylist(text: string): MediaPlaylist {
  const out: MediaPlaylist = {
    mediaSequence: 0,
    targetDuration: 0,
    canBlockReload: false,
    ended: false,
    segments: [],
    parts: [],
  };
  let msn = -1; // assigned once EXT-X-MEDIA-SEQUENCE (or the first segment) is seen
  let pendingDuration: number | undefined;
  let pendingPdt: number | undefined;
  let partIndex = 0;
  let partPdt: number | undefined; // running PDT of the next part in the open segment
  const nextMsn = () => (msn < 0 ? (msn = out.mediaSequence) : msn);
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) {
      out.mediaSequence = Number(line.slice(22));
    } else if (line.startsWith('#EXT-X-TARGETDURATION:')) {
      out.targetDuration = Number(line.slice(22));
    } else if (line.startsWith('#EXT-X-PART-INF:')) {
      out.partTarget = Number(attribute(line, 'PART-TARGET'));
    } else if (line.startsWith('#EXT-X-SERVER-CONTROL:')) {
      out.canBlockReload = attribute(line, 'CAN-BLOCK-RELOAD') === 'YES';
    } else if (line.startsWith('#EXT-X-ENDLIST')) {
      out.ended = true;
    } else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) {
      pendingPdt = Date.parse(line.slice(25));
      if (partIndex === 0) partPdt = pendingPdt;
    } else if (line.startsWith('#EXT-X-SKIP:')) {
      // Delta update (§4.4.5.2): the skipped segments still count for numbering.
      msn = nextMsn() + Number(attribute(line, 'SKIPPED-SEGMENTS') ?? 0);
    } else if (line.startsWith('#EXTINF:')) {
      pendingDuration = Number(line.slice(8).split(',')[0]);
    } else if (line.startsWith('#EXT-X-PART:')) {
      const duration = Number(attribute(line, 'DURATION'));
      const part: ListedPart = {
        msn: nextMsn(),
        index: partIndex++,
        uri: attribute(line, 'URI') ?? '',
        duration,
        independent: attribute(line, 'INDEPENDENT') === 'YES',
      };
      if (partPdt !== undefined) {
        part.programDateTime = partPdt;
        partPdt += duration * 1000;
      }
      out.parts.push(part);
    } else if (!line.startsWith('#')) {
      const seg: ListedSegment = { msn: nextMsn(), uri: line, duration: pendingDuration ?? 0 };
      if (pendingPdt !== undefined) seg.programDateTime = pendingPdt;
      out.segments.push(seg);
      msn++;
      pendingDuration = undefined;
      // The next segment's PDT, if it carries none, follows from this one (§4.4.4.6).
      pendingPdt = pendingPdt === undefined ? undefined : pendingPdt + seg.duration * 1000;
      partPdt = pendingPdt;
      partIndex = 0;
    }
  }
  return out;
}

/** The media playlist URIs a master playlist lists (variants first, then EXT-X-MEDIA URIs). */
export function parseMasterPlaylist(text: string): { variants: string[]; renditions: string[] } {
  const variants: string[] = [];
  const renditions: string[] = [];
  let afterStreamInf = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXT-X-STREAM-INF')) afterStreamInf = true;
    else if (line.startsWith('#EXT-X-MEDIA:')) {
      const uri = attribute(line, 'URI');
      if (uri) renditions.push(uri);
    } else if (line !== '' && !line.startsWith('#') && afterStreamInf) {
      variants.push(line);
      afterStreamInf = false;
    }
  }
  return { variants, renditions };
}

/** The newest part listed, or undefined for a playlist without parts. */
export function lastPart(p: MediaPlaylist): ListedPart | undefined {
  return p.parts[p.parts.length - 1];
}

/** Whether segment msn is complete (listed with its URI) in p. */
export function segmentComplete(p: MediaPlaylist, msn: number): boolean {
  const last = p.segments[p.segments.length - 1];
  return last !== undefined && last.msn >= msn;
}

/**
 * The part a blocking reload should ask for next (§6.2.5.2; what hls.js does): the one after
 * the newest listed part, i.e. part 0 of the next segment once the parent segment is complete.
 */
export function nextPartAfter(p: MediaPlaylist, msn: number, index: number): { msn: number; part: number } {
  return segmentComplete(p, msn) ? { msn: msn + 1, part: 0 } : { msn, part: index + 1 };
}
