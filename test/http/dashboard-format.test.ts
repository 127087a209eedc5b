/**
 * The dashboard's number and name formatting (public/dash-format.js, a
 * browser ES module), run in a child Node as the module it is: what an
 * operator reads on the cards, tiles and graphs.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { pathToFileURL } from 'url';

const MODULE = pathToFileURL(path.join(__dirname, '..', '..', 'lib', 'http', 'page', 'public', 'dash-format.js')).href;

/** Evaluates each expression against the module (as `f`) and returns the results. */
function run(expressions: string[]): unknown[] {
  const script = `import * as f from ${JSON.stringify(MODULE)};\nprocess.stdout.write(JSON.stringify([${expressions.join(',')}]));`;
  const out = execFileSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 10_000 });
  return JSON.parse(out) as unknown[];
}

test('bitrates, bytes and durations', () => {
  expect(
    run([
      'f.bitrate(2610.4)',
      'f.bitrate(12345)',
      'f.bitrate(96.4)',
      'f.bitrate(0)',
      'f.bitrate(NaN)',
      'f.bytes(999)',
      'f.bytes(123456789)',
      'f.bytes(4200000)',
      'f.duration(45)',
      'f.duration(125)',
      'f.duration(11520)',
      'f.duration(200000)',
      'f.duration(-1)',
    ]),
  ).toEqual(['2.61 Mb/s', '12.3 Mb/s', '96 kb/s', '0 kb/s', '–', '999 B', '123 MB', '4.2 MB', '45 s', '2 min 5 s', '3 h 12 min', '2 d 7 h', '–']);
});

test('codecs, tracks and viewers as people name them', () => {
  expect(
    run([
      `f.videoLine({ codec: 'H264', width: 1280, height: 720, fps: 30, profile: 'High' }, 29.94)`,
      `f.videoLine({ codec: 'HEVC', width: 0, height: 0, fps: 0 })`,
      'f.videoLine(null)',
      `f.audioLine({ codec: 'AAC', sampleRate: 44100, channels: 2 })`,
      'f.audioLine(null)',
      'f.viewersLine({ rtmp: 1, hls: 2, dash: 0 })',
      'f.viewersLine({ rtmp: 0, hls: 0, dash: 1 })',
      'f.viewersLine({ rtmp: 1, rtmps: 2, hls: 0, dash: 0 })',
      `f.encodePath('live/a b#?')`,
    ]),
  ).toEqual([
    '1280×720 · H.264 High · 29.9 fps',
    'HEVC',
    'no video',
    'AAC · 44.1 kHz · 2 ch',
    'no audio',
    '3 viewers · RTMP 1 · HLS 2',
    '1 viewer · DASH 1',
    '3 viewers · RTMP 1 · RTMPS 2',
    'live/a%20b%23%3F',
  ]);
});
