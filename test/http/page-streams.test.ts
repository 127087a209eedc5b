/** The page's list of streams from the HLS store (by shape: a fake store here). */
import { listHlsStreams, summarizeView } from '../../lib/http/page';
import type { SummarizableView } from '../../lib/http/page';

function view(stream: string, extra: Partial<SummarizableView> = {}): SummarizableView {
  return {
    stream,
    tracks: [
      { kind: 'video', codec: 'avc1.64001f', timescale: 90000, width: 1280, height: 720, frameRate: 30 },
      { kind: 'audio', codec: 'mp4a.40.2', timescale: 48000, sampleRate: 48000, channels: 2 },
    ],
    live: true,
    ended: false,
    segments: [{}],
    open: undefined,
    availabilityStart: 1700000000000,
    ...extra,
  };
}

function storeOf(views: SummarizableView[]) {
  return { streams: () => views.map((v) => v.stream), get: (s: string) => views.find((v) => v.stream === s) };
}

test('a view becomes a summary with its video and audio', () => {
  expect(summarizeView(view('live/cam'))).toEqual({
    path: 'live/cam',
    live: true,
    video: { codec: 'avc1.64001f', width: 1280, height: 720, frameRate: 30 },
    audio: { codec: 'mp4a.40.2', sampleRate: 48000, channels: 2 },
    startedAtMs: 1700000000000,
  });
});

test('audio-only: no video entry', () => {
  const s = summarizeView(view('radio/one', { tracks: [{ kind: 'audio', codec: 'mp4a.40.2', timescale: 44100 }] }));
  expect(s.video).toBeUndefined();
  expect(s.audio).toEqual({ codec: 'mp4a.40.2' });
});

test('listed: streams with something to play that have not ended; a gone publisher is listed as not live', () => {
  const store = storeOf([
    view('live/playing'),
    view('live/first-parts', { segments: [], open: {} }),
    view('live/nothing-yet', { segments: [], open: undefined }),
    view('live/ended', { live: false, ended: true }),
    view('live/waiting', { live: false }),
  ]);
  const listed = listHlsStreams(store);
  expect(listed.map((s) => [s.path, s.live])).toEqual([
    ['live/playing', true],
    ['live/first-parts', true],
    ['live/waiting', false],
  ]);
});

test('a stream that vanished between streams() and get() is skipped', () => {
  expect(listHlsStreams({ streams: () => ['live/gone'], get: () => undefined })).toEqual([]);
});
