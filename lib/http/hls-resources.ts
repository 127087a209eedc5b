/**
 * The byte resources of a stream (init segments, segments, parts, TS
 * segments): how each is looked up in a view, its ETag, its MIME type, and how
 * it is named in error messages.
 */
import type { HlsRoute } from './hls-routes';
import type { HlsLookup, HlsStreamView } from './hls/view';

/** The routes answered with bytes rather than text. */
export type ByteRoute = Exclude<HlsRoute, { kind: 'master' | 'mpd' | 'media' }>;

const TS = 'video/mp2t';

export function lookupOf(route: ByteRoute): (view: HlsStreamView) => HlsLookup {
  switch (route.kind) {
    case 'init':
      return (v) => v.init(route.track, route.initId);
    case 'segment':
      return (v) => v.segment(route.track, route.msn);
    case 'part':
      return (v) => v.part(route.track, route.msn, route.part);
    case 'ts':
      return (v) => v.segment('video', route.msn);
  }
}

export function etagOfRoute(view: HlsStreamView, route: ByteRoute): string {
  switch (route.kind) {
    case 'init':
      return view.etag('init', route.track, route.initId);
    case 'segment':
      return view.etag('segment', route.track, route.msn);
    case 'part':
      return view.etag('part', route.track, route.msn, route.part);
    case 'ts':
      return view.etag('segment', 'video', route.msn);
  }
}

export function contentTypeOf(route: ByteRoute): string {
  if (route.kind === 'ts') return TS;
  return route.track === 'audio' ? 'audio/mp4' : 'video/mp4';
}

export function describe(route: ByteRoute): string {
  switch (route.kind) {
    case 'init':
      return `init segment ${route.initId} (${route.track})`;
    case 'segment':
      return `segment ${route.msn} (${route.track})`;
    case 'part':
      return `part ${route.msn}.${route.part} (${route.track})`;
    case 'ts':
      return `segment ${route.msn}`;
  }
}
