/**
 * The media playlist of one track (RFC 8216bis §4.4), written from a stream
 * view. A pure function: the same view and options give the same bytes, so an
 * HTTP cache in front answers every viewer of one blocking reload with one
 * response.
 *
 * LL-HLS (the stream has parts):
 *   #EXT-X-SERVER-CONTROL  CAN-BLOCK-RELOAD=YES; PART-HOLD-BACK = view.partHoldBack
 *                          (default 3) × PART-TARGET (§4.4.3.8: at least twice,
 *                          three times recommended);
 *                          CAN-SKIP-UNTIL = 6 × target duration (§4.4.3.8 minimum)
 *   #EXT-X-PART            for the last two complete segments and the open one
 *   #EXT-X-PRELOAD-HINT    the next part that can be listed, until EXT-X-ENDLIST
 *   #EXT-X-RENDITION-REPORT the other track's playlist (§4.4.5.4)
 *   #EXT-X-SKIP            with `skip` (_HLS_skip=YES): segments wholly older
 *                          than CAN-SKIP-UNTIL from the end are left out (§6.2.5.1),
 *                          never past an EXT-X-DISCONTINUITY
 * Version: 9 with parts (EXT-X-SKIP needs 9), 6 for fMP4 (EXT-X-MAP in a media
 * playlist), 3 for TS (decimal EXTINF) (§7).
 *
 * `query` is appended to every URL in the playlist (init, segments, parts,
 * hint, rendition report): give it the token a viewer needs, never the session
 * id, so that every viewer's playlist is the same text and segment URLs stay
 * shared in caches.
 */
import type { HlsTrackKind } from './feed';
import { hlsNames } from './names';
import { isoDate, seconds, withQuery } from './text';
import type { HlsSegmentInfo, HlsStreamView } from './view';

export interface MediaPlaylistOptions {
  /** _HLS_skip=YES: a delta update. Ignored without parts or after the end. */
  skip?: boolean;
  /** Query string for every URL written (no leading '?' needed). */
  query?: string;
}

/** Complete segments whose parts stay listed (plus the open one). */
export const kPartSegments = 2;

export function renderMediaPlaylist(
  view: HlsStreamView,
  track: HlsTrackKind,
  options: MediaPlaylistOptions = {},
): string {
  const q = options.query;
  const ll = view.hasParts && view.format === 'fmp4';
  const target = view.targetDuration;
  const canSkipUntil = 6 * target;
  const out: string[] = ['#EXTM3U', `#EXT-X-VERSION:${ll ? 9 : view.format === 'fmp4' ? 6 : 3}`];
  out.push(`#EXT-X-TARGETDURATION:${target}`);
  if (ll) {
    out.push(
      `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=${canSkipUntil.toFixed(3)},` +
        `PART-HOLD-BACK=${(Math.max(2, view.partHoldBack ?? 3) * view.partTarget).toFixed(3)}`,
    );
    out.push(`#EXT-X-PART-INF:PART-TARGET=${view.partTarget.toFixed(3)}`);
  }
  const segments = view.segments;
  const first = segments[0]?.msn ?? view.open?.msn ?? view.nextMsn;
  out.push(`#EXT-X-MEDIA-SEQUENCE:${first}`);
  out.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${view.discontinuitySequence}`);

  const skipped = ll && options.skip === true && !view.ended ? skippable(segments, canSkipUntil * 1000) : 0;
  if (skipped > 0) out.push(`#EXT-X-SKIP:SKIPPED-SEGMENTS=${skipped}`);

  const partsFrom = segments.length - kPartSegments;
  let initId: number | undefined;
  for (let i = skipped; i < segments.length; i++) {
    const seg = segments[i] as HlsSegmentInfo;
    initId = writeSegmentHead(out, view, track, seg, initId, q);
    if (ll && i >= partsFrom) writeParts(out, view, track, seg, q);
    // A gap, or a segment with no sample of this track (RFC 8216bis §4.4.4.7).
    if (seg.gap || (view.format === 'fmp4' && !(seg.bytes[track] ?? 0))) out.push('#EXT-X-GAP');
    out.push(`#EXTINF:${seconds(seg.duration)},`);
    out.push(withQuery(view.format === 'ts' ? hlsNames.tsSegment(view.epoch, seg.msn) : hlsNames.segment(view.epoch, seg.msn, track), q));
  }
  const open = view.open;
  if (ll && open !== undefined && open.parts.length > 0) {
    writeSegmentHead(out, view, track, open, initId, q);
    writeParts(out, view, track, open, q);
  }
  if (ll && !view.ended) {
    // The next part that can be listed: the open segment's next one, or part 0 of the
    // next segment when none is open, the open one lost a part (it will close as a gap),
    // or the publisher is away (a new publish starts the next segment). LL-HLS playlists
    // without EXT-X-ENDLIST carry a hint (RFC 8216bis §4.4.5.3).
    const whole = open !== undefined && view.part(track, open.msn, open.parts.length) === 'future';
    const next =
      open === undefined
        ? { msn: view.nextMsn, part: 0 }
        : whole
          ? { msn: open.msn, part: open.parts.length }
          : { msn: open.msn + 1, part: 0 };
    out.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${withQuery(hlsNames.part(view.epoch, next.msn, next.part, track), q)}"`);
  }
  if (ll) {
    for (const other of view.tracks) {
      if (other.kind === track) continue;
      const report = lastPart(view);
      if (report === undefined) continue;
      const part = report.part === undefined ? '' : `,LAST-PART=${report.part}`;
      out.push(
        `#EXT-X-RENDITION-REPORT:URI="${withQuery(hlsNames.playlist(other.kind), q)}",LAST-MSN=${report.msn}${part}`,
      );
    }
  }
  if (view.ended) out.push('#EXT-X-ENDLIST');
  return out.join('\n') + '\n';
}

/** Discontinuity, init (when it changes) and date before a segment; returns its init id. */
function writeSegmentHead(
  out: string[],
  view: HlsStreamView,
  track: HlsTrackKind,
  seg: HlsSegmentInfo,
  prevInit: number | undefined,
  q: string | undefined,
): number {
  if (seg.discontinuity) out.push('#EXT-X-DISCONTINUITY');
  if (view.format === 'fmp4' && seg.initId !== prevInit) {
    out.push(`#EXT-X-MAP:URI="${withQuery(hlsNames.init(view.epoch, seg.initId, track), q)}"`);
  }
  out.push(`#EXT-X-PROGRAM-DATE-TIME:${isoDate(seg.programDateTime)}`);
  return seg.initId;
}

function writeParts(out: string[], view: HlsStreamView, track: HlsTrackKind, seg: HlsSegmentInfo, q: string | undefined): void {
  for (const p of seg.parts) {
    const uri = withQuery(hlsNames.part(view.epoch, seg.msn, p.index, track), q);
    // A part with no sample of this track is listed (part positions are shared by the
    // renditions) but marked GAP=YES, so a player does not load it (RFC 8216bis §4.4.4.9).
    const flags = `${p.independent ? ',INDEPENDENT=YES' : ''}${p.bytes[track] ? '' : ',GAP=YES'}`;
    out.push(`#EXT-X-PART:DURATION=${seconds(p.duration)},URI="${uri}"${flags}`);
  }
}

/**
 * Leading segments that end at least `untilMs` before the playlist's end
 * (RFC 8216bis §6.2.5.1), stopping before a segment that carries
 * EXT-X-DISCONTINUITY: the tag would vanish with it and a client counting
 * discontinuities in the delta would place later segments on the wrong
 * timeline (hls-parser does exactly that).
 */
function skippable(segments: readonly HlsSegmentInfo[], untilMs: number): number {
  let total = 0;
  for (const s of segments) total += s.duration;
  let end = 0;
  let n = 0;
  for (const s of segments.slice(0, Math.max(0, segments.length - kPartSegments))) {
    end += s.duration;
    if (total - end < untilMs || s.discontinuity) break;
    n++;
  }
  return n;
}

/** The last part listed (LAST-MSN/LAST-PART of a rendition report), or the last segment. */
function lastPart(view: HlsStreamView): { msn: number; part: number | undefined } | undefined {
  const open = view.open;
  if (open !== undefined && open.parts.length > 0) return { msn: open.msn, part: open.parts.length - 1 };
  const last = view.segments[view.segments.length - 1];
  if (last === undefined) return undefined;
  return { msn: last.msn, part: last.parts.length > 0 ? last.parts.length - 1 : undefined };
}
