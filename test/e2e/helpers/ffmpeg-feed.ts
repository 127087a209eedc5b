/**
 * A live HLS feed (the engine's HlsFeedItems) made by ffmpeg instead of the
 * engine's segmenter: ffmpeg encodes a test pattern in real time into two
 * fragmented MP4 streams on pipes (video-only with ~200 ms fragments, audio-only
 * with ~100 ms ones; each an init segment then moof+mdat pairs). Video
 * fragments become parts (a keyframe every 2 s starts a segment), audio
 * fragments go into the part their first sample falls in. It lets the page,
 * the store, the playlists, the MPD and the HTTP handler be played by real
 * players without the native segmenter.
 */
import { ChildProcess, spawn } from 'child_process';
import type { Readable } from 'stream';

import type { HlsFeedItem, HlsTrackInfo } from '../../../lib/http/hls/feed';

interface Fragment {
  /** Seconds on the track's timeline (tfdt / timescale). */
  time: number;
  bytes: Buffer;
}

/** Splits a byte stream into top-level ISO-BMFF boxes. */
function boxReader(stream: Readable, onBox: (type: string, box: Buffer) => void): void {
  let pending: Buffer = Buffer.alloc(0);
  stream.on('data', (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(0);
      if (size < 8) throw new Error(`unsupported box size ${size}`);
      if (pending.length < size) break;
      onBox(pending.toString('latin1', 4, 8), pending.subarray(0, size));
      pending = pending.subarray(size);
    }
  });
}

/** The body offset of the first box called `type` inside `buf` (a plain byte search: enough for ffmpeg's output). */
function find(buf: Buffer, type: string): number {
  const at = buf.indexOf(type, 0, 'latin1');
  if (at < 4) throw new Error(`no ${type} box`);
  return at + 4;
}

function timescaleOf(init: Buffer): number {
  const mdhd = find(init, 'mdhd');
  return init.readUInt32BE(mdhd + (init[mdhd] === 1 ? 20 : 12));
}

function baseDecodeTime(moof: Buffer): number {
  const tfdt = find(moof, 'tfdt');
  return moof[tfdt] === 1 ? Number(moof.readBigUInt64BE(tfdt + 4)) : moof.readUInt32BE(tfdt + 4);
}

/** One fMP4 output of ffmpeg: its init segment, then fragments with their start time. */
function track(stream: Readable, onInit: (init: Buffer, timescale: number) => void, onFragment: (f: Fragment) => void): void {
  let head: Buffer[] = [];
  let timescale = 0;
  let moof: Buffer | undefined;
  boxReader(stream, (type, box) => {
    if (type === 'ftyp') head = [Buffer.from(box)];
    else if (type === 'moov') {
      const init = Buffer.concat([...head, box]);
      timescale = timescaleOf(init);
      onInit(init, timescale);
    } else if (type === 'moof') moof = Buffer.from(box);
    else if (type === 'mdat' && moof) {
      onFragment({ time: baseDecodeTime(moof) / timescale, bytes: Buffer.concat([moof, box]) });
      moof = undefined;
    }
  });
}

export interface FfmpegFeed {
  width: number;
  height: number;
  stop: () => void;
}

/**
 * Starts ffmpeg and calls `ingest` with init, part and segment items for
 * `stream` ("app/name"), as the engine would. Parts carry the wall clock of
 * their start (programDateTime = first part's wall time + media time).
 */
export function startFfmpegFeed(
  stream: string,
  ingest: (item: HlsFeedItem) => void,
  { width = 640, height = 360, seconds = 120 } = {},
): FfmpegFeed {
  const GOP_S = 2;
  const fmp4 = ['-f', 'mp4', '-movflags', 'empty_moov+default_base_moof'];
  const child: ChildProcess = spawn(
    'ffmpeg',
    [
      '-v', 'error', '-re',
      '-f', 'lavfi', '-i', `testsrc=size=${width}x${height}:rate=30`,
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-t', String(seconds),
      '-map', '0:v', '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p',
      '-g', String(30 * GOP_S), '-keyint_min', String(30 * GOP_S), '-sc_threshold', '0',
      '-frag_duration', '200000', ...fmp4, 'pipe:1',
      '-map', '1:a', '-c:a', 'aac', '-b:a', '64k', '-frag_duration', '100000', ...fmp4, 'pipe:3',
    ],
    { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] },
  );
  const killer = setTimeout(() => child.kill('SIGKILL'), (seconds + 10) * 1000);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.on('error', (err) => (stderr += String(err)));

  const publishId = 1;
  const base = { stream, publishId, initId: 0 };
  const inits: { video?: Buffer; audio?: Buffer } = {};
  let avcCodec = 'avc1.64001f';
  let wall0 = 0;
  const video: Fragment[] = [];
  const audio: Fragment[] = [];
  let segment = -1;
  let part = 0;
  let segStart = 0;
  let segPdt = 0;

  const sendInit = () => {
    if (!inits.video || !inits.audio) return;
    const tracks: HlsTrackInfo[] = [
      { kind: 'video', codec: avcCodec, timescale: 90000, width, height, frameRate: 30 },
      { kind: 'audio', codec: 'mp4a.40.2', timescale: 48000, sampleRate: 48000, channels: 1 },
    ];
    ingest({ type: 'init', ...base, format: 'fmp4', tracks, video: inits.video, audio: inits.audio });
  };

  // A video fragment becomes a part once the next one shows where it ends.
  const flush = () => {
    while (video.length >= 2) {
      const [cur, next] = video as [Fragment, Fragment];
      const independent = Math.abs(cur.time / GOP_S - Math.round(cur.time / GOP_S)) < 1e-3;
      if (segment < 0 && !independent) {
        video.shift();
        continue;
      }
      if (!wall0) wall0 = Date.now() - cur.time * 1000;
      const start = Math.round(cur.time * 1000);
      const duration = Math.round(next.time * 1000) - start;
      if (independent) {
        if (segment >= 0) {
          ingest({ type: 'segment', ...base, segment, start: segStart, duration: start - segStart, parts: part, independent: true, programDateTime: segPdt });
        }
        segment += 1;
        part = 0;
        segStart = start;
        segPdt = Math.round(wall0 + start);
      }
      const end = next.time;
      const audioBytes: Buffer[] = [];
      while (audio.length && (audio[0] as Fragment).time < end) audioBytes.push((audio.shift() as Fragment).bytes);
      ingest({
        type: 'part', ...base, segment, part, start, duration, independent,
        programDateTime: Math.round(wall0 + start),
        video: cur.bytes,
        ...(audioBytes.length ? { audio: Buffer.concat(audioBytes) } : {}),
      });
      part += 1;
      video.shift();
    }
  };

  track(child.stdout as Readable, (init) => {
    const avcC = find(init, 'avcC');
    avcCodec = `avc1.${init.subarray(avcC + 1, avcC + 4).toString('hex')}`;
    inits.video = init;
    sendInit();
  }, (f) => {
    video.push(f);
    flush();
  });
  track(child.stdio[3] as Readable, (init) => {
    inits.audio = init;
    sendInit();
  }, (f) => audio.push(f));

  return {
    width,
    height,
    stop: () => {
      clearTimeout(killer);
      child.kill('SIGKILL');
    },
  };
}
