/**
 * The DASH manifest (ISO/IEC 23009-1) of a stream, over the same CMAF
 * segments as HLS: a pure function of the store's view.
 *
 * - type="dynamic". availabilityStartTime is the wall-clock time at which the
 *   stream's first publish had media time 0, fixed for the stream's life.
 *   publishTime is the view's last change (not `now`), so the same window
 *   gives the same bytes and a cache coalesces viewers.
 * - One Period per run of segments without a discontinuity or gap (a
 *   republish restarts the media timeline, and $Number$ cannot skip the number
 *   a gap burned). Period@id is the msn that began the run, Period@start the
 *   run's wall-clock anchor (first sample's date minus its media time) after
 *   availabilityStartTime, so it stays the same as segments slide.
 * - One AdaptationSet per track (CMAF: one track per file; dash.js does not
 *   play multiplexed representations), SegmentTemplate with $Number$ = the msn
 *   and a SegmentTimeline: segments follow the GOPs, so a fixed @duration
 *   would drift.
 * - Low latency (the stream has parts): the segment being built is listed with
 *   the segment target as its expected duration, and availabilityTimeOffset =
 *   segment target − part target with availabilityTimeComplete="false": a
 *   client may ask for a segment once its first part exists and receives it as
 *   a chunked response while its parts arrive.
 * - UTCTiming http-iso to `utcTimingUrl` (default "/time"): DASH clients need
 *   the server's clock to place the live edge.
 * `query` is appended to the init and media URLs (a token; never a session id).
 */
import type { HlsTrackInfo, HlsTrackKind } from '../hls/feed';
import { hlsNames } from '../hls/names';
import { isoDate, withQuery } from '../hls/text';
import type { HlsSegmentInfo, HlsStreamView } from '../hls/view';

export interface MpdOptions {
  /** Query string for the initialization and media URLs. */
  query?: string;
  /** Unix ms; accepted for callers' symmetry, the text does not depend on it (see publishTime). */
  now?: number;
  /** The URL a client reads the server's time from (ISO 8601 body). Default "/time". */
  utcTimingUrl?: string;
}

export const kDefaultUtcTimingUrl = '/time';

/** The MPD, or undefined for TS streams (DASH here is CMAF only) or before any segment. */
export function renderMpd(view: HlsStreamView, options: MpdOptions = {}): string | undefined {
  if (view.format !== 'fmp4' || view.availabilityStart === undefined) return undefined;
  const ast = view.availabilityStart;
  const ll = view.hasParts;
  const runs = periods(view);
  if (runs.length === 0) return undefined;
  let windowMs = 0;
  for (const s of view.segments) windowMs += s.duration;
  const mpdAttrs: Array<[string, string]> = [
    ['xmlns', 'urn:mpeg:dash:schema:mpd:2011'],
    ['profiles', 'urn:mpeg:dash:profile:isoff-live:2011'],
    ['type', 'dynamic'],
    ['availabilityStartTime', isoDate(ast)],
    ['publishTime', isoDate(view.updatedAt)],
  ];
  if (!view.ended) mpdAttrs.push(['minimumUpdatePeriod', duration(Math.min(view.segmentTarget * 500, 1000))]);
  mpdAttrs.push(
    ['timeShiftBufferDepth', duration(Math.max(windowMs, view.segmentTarget * 1000))],
    ['suggestedPresentationDelay', duration(ll ? lowLatencyTarget(view) : 3000 * view.targetDuration)],
    ['maxSegmentDuration', duration(view.targetDuration * 1000)],
    ['minBufferTime', duration(ll ? view.partTarget * 3000 : view.segmentTarget * 1000)],
  );
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', `<MPD ${attrs(mpdAttrs)}>`];
  if (ll) {
    out.push(`  <ServiceDescription id="0"><Latency target="${lowLatencyTarget(view)}"/></ServiceDescription>`);
  }
  for (const run of runs) writePeriod(out, view, run, ast, options.query);
  const timeUrl = options.utcTimingUrl ?? kDefaultUtcTimingUrl;
  out.push(`  <UTCTiming ${attrs([['schemeIdUri', 'urn:mpeg:dash:utc:http-iso:2014'], ['value', timeUrl]])}/>`);
  out.push('</MPD>');
  return out.join('\n') + '\n';
}

interface Run {
  id: number;
  initId: number;
  segments: HlsSegmentInfo[];
  /** The last segment is the open one, listed with an expected duration. */
  openDuration: number | undefined;
}

/** Runs of listable segments: gaps excluded, split at discontinuities and gaps. */
function periods(view: HlsStreamView): Run[] {
  const runs: Run[] = [];
  const push = (seg: HlsSegmentInfo): Run => {
    let run = runs[runs.length - 1];
    if (run === undefined || run.id !== seg.run) {
      run = { id: seg.run, initId: seg.initId, segments: [], openDuration: undefined };
      runs.push(run);
    }
    run.segments.push(seg);
    return run;
  };
  for (const seg of view.segments) if (!seg.gap) push(seg);
  const open = view.open;
  if (view.hasParts && open !== undefined && open.parts.length > 0 && !view.ended) {
    // Only while it is still whole: a segment that lost a part will be a gap.
    if (view.part(view.tracks[0]?.kind ?? 'video', open.msn, open.parts.length) === 'future') {
      push(open).openDuration = Math.max(open.duration, view.segmentTarget * 1000);
    }
  }
  return runs;
}

function writePeriod(out: string[], view: HlsStreamView, run: Run, ast: number, query: string | undefined): void {
  const first = run.segments[0] as HlsSegmentInfo;
  // The run's wall-clock anchor: where its media time 0 falls, after availabilityStartTime.
  const anchor = first.programDateTime - first.start;
  const start = Math.max(0, anchor - ast);
  out.push(`  <Period ${attrs([['id', `p${run.id}`], ['start', duration(start)]])}>`);
  const tracks = view.initTracks(run.initId) ?? view.tracks;
  tracks.forEach((track, index) => writeAdaptationSet(out, view, run, track, index, query));
  out.push('  </Period>');
}

function writeAdaptationSet(
  out: string[],
  view: HlsStreamView,
  run: Run,
  track: HlsTrackInfo,
  index: number,
  query: string | undefined,
): void {
  const kind: HlsTrackKind = track.kind;
  const first = run.segments[0] as HlsSegmentInfo;
  const setAttrs: Array<[string, string]> = [
    ['id', String(index)],
    ['contentType', kind],
    ['mimeType', `${kind}/mp4`],
    ['segmentAlignment', 'true'],
    ['startWithSAP', '1'],
  ];
  out.push(`    <AdaptationSet ${attrs(setAttrs)}>`);
  const ts = track.timescale;
  const tmpl: Array<[string, string]> = [
    ['timescale', String(ts)],
    ['initialization', withQuery(hlsNames.init(view.epoch, run.initId, kind), query)],
    ['media', withQuery(hlsNames.segmentTemplate(view.epoch, kind), query)],
    ['startNumber', String(first.msn)],
  ];
  if (view.hasParts && !view.ended) {
    const ato = Math.max(0, view.segmentTarget - view.partTarget);
    tmpl.push(['availabilityTimeOffset', ato.toFixed(3)], ['availabilityTimeComplete', 'false']);
  }
  out.push(`      <SegmentTemplate ${attrs(tmpl)}>`);
  out.push('        <SegmentTimeline>');
  for (const s of timeline(run, ts)) out.push(`          ${s}`);
  out.push('        </SegmentTimeline>');
  out.push('      </SegmentTemplate>');
  const rep: Array<[string, string]> = [
    ['id', kind],
    ['bandwidth', String(Math.max(1, view.bandwidth(kind).peak))],
    ['codecs', track.codec],
  ];
  if (kind === 'video') {
    if (track.width && track.height) rep.push(['width', String(track.width)], ['height', String(track.height)]);
    if (track.frameRate) rep.push(['frameRate', frameRate(track.frameRate)]);
  } else if (track.sampleRate) {
    rep.push(['audioSamplingRate', String(track.sampleRate)]);
  }
  if (kind === 'audio' && track.channels) {
    out.push(`      <Representation ${attrs(rep)}>`);
    const scheme = 'urn:mpeg:dash:23003:3:audio_channel_configuration:2011';
    const channels = attrs([['schemeIdUri', scheme], ['value', String(track.channels)]]);
    out.push(`        <AudioChannelConfiguration ${channels}/>`);
    out.push('      </Representation>');
  } else {
    out.push(`      <Representation ${attrs(rep)}/>`);
  }
  out.push('    </AdaptationSet>');
}

/**
 * <S> elements: t on the first and wherever time does not follow on, r for
 * repeats of one duration. Times are the segments' media times in the track
 * timescale (the fragments' tfdt) relative to the run's anchor, where the
 * Period starts (presentationTimeOffset 0).
 */
function timeline(run: Run, timescale: number): string[] {
  const toTs = (ms: number): number => Math.round((ms * timescale) / 1000);
  const out: string[] = [];
  let cur: { t: number | undefined; d: number; r: number } | undefined;
  let next: number | undefined;
  const flush = (): void => {
    if (cur === undefined) return;
    const t = cur.t === undefined ? '' : ` t="${cur.t}"`;
    out.push(`<S${t} d="${cur.d}"${cur.r > 0 ? ` r="${cur.r}"` : ''}/>`);
  };
  run.segments.forEach((seg, i) => {
    const isOpen = i === run.segments.length - 1 && run.openDuration !== undefined;
    const t = toTs(seg.start);
    // Durations as differences of rounded ends, so t + d always lands on the next t.
    const d = toTs(seg.start + (isOpen ? (run.openDuration as number) : seg.duration)) - t;
    if (cur !== undefined && next === t && cur.d === d) {
      cur.r++;
    } else {
      flush();
      cur = { t: next === t ? undefined : t, d, r: 0 };
    }
    next = t + d;
  });
  flush();
  return out;
}

/** Milliseconds behind the live edge a low-latency client aims for: five parts, at least 1 s. */
function lowLatencyTarget(view: HlsStreamView): number {
  return Math.round(Math.max(1000, 5 * view.partTarget * 1000));
}

/** ISO 8601 duration in seconds: "PT2.000S". */
function duration(ms: number): string {
  return `PT${(ms / 1000).toFixed(3)}S`;
}

/** 30 → "30", 29.97 → "30000/1001", else the rate to 3 decimals. */
function frameRate(fps: number): string {
  if (Number.isInteger(fps)) return String(fps);
  const ntsc = Math.round(fps * 1.001);
  if (Math.abs(fps - (ntsc * 1000) / 1001) < 0.005) return `${ntsc * 1000}/1001`;
  return fps.toFixed(3);
}

function attrs(list: ReadonlyArray<[string, string]>): string {
  return list.map(([k, v]) => `${k}="${escapeXml(v)}"`).join(' ');
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
