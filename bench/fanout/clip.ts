/**
 * The input clip of issue #4, made once with ffmpeg and cached: 30 s of
 * 1280x720 at 30 fps, H.264 at 2.5 Mbit/s held near constant bit rate (x264
 * with maxrate = bufsize = bitrate and HRD filler), a keyframe exactly every
 * 60 frames (2 s GOP, no scene-cut keyframes), plus AAC-LC 128 kbit/s 48 kHz
 * stereo. The whole stream is about 2.66 Mbit/s. rtmp-bench loops it.
 */
import * as fs from 'fs';
import * as path from 'path';

import { runCaptured } from './children';

export const CLIP_NAME = 'clip-720p30-h264-2500k-aac-gop2s.flv';

export function clipArgs(out: string): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=1280x720:rate=30',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000',
    '-t',
    '30',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-pix_fmt',
    'yuv420p',
    '-b:v',
    '2500k',
    '-maxrate',
    '2500k',
    '-bufsize',
    '2500k',
    '-x264-params',
    'nal-hrd=cbr',
    '-g',
    '60',
    '-keyint_min',
    '60',
    '-sc_threshold',
    '0',
    '-c:a',
    'aac',
    '-b:a',
    '128k',
    '-ar',
    '48000',
    '-ac',
    '2',
    '-f',
    'flv',
    out,
  ];
}

/** Returns the cached clip under cacheDir, generating it first if missing. */
export async function ensureClip(cacheDir: string): Promise<string> {
  const file = path.join(cacheDir, CLIP_NAME);
  if (fs.existsSync(file) && fs.statSync(file).size > 1_000_000) return file;
  fs.mkdirSync(cacheDir, { recursive: true });
  const partial = `${file}.partial.flv`;
  process.stderr.write(`fanout: generating ${file} (about 20-60 s)\n`);
  const r = await runCaptured('ffmpeg', clipArgs(partial), 300_000);
  if (r.code !== 0 || r.timedOut) {
    throw new Error(`ffmpeg could not make the clip (code ${r.code}${r.timedOut ? ', timed out' : ''}): ${r.stderr.slice(-500)}`);
  }
  fs.renameSync(partial, file);
  return file;
}
