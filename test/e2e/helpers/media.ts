/**
 * Test media made here with Debian's ffmpeg (lavfi testsrc + sine): an
 * H.264 + AAC FLV, cached per process in a temp directory.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface TestClip {
  file: string;
  /** Seconds of media in the file. */
  seconds: number;
  /** GOP length in frames (30 fps). */
  gop: number;
}

const cache = new Map<string, TestClip>();
let dir: string | undefined;

export function workDir(): string {
  if (!dir) dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtmp-engine-e2e-'));
  return dir;
}

/** A 30 fps H.264 (yuv420p) + AAC 44.1 kHz stereo FLV. */
export function makeClip(opts: { seconds?: number; size?: string; gop?: number; bitrate?: string } = {}): TestClip {
  const seconds = opts.seconds ?? 6;
  const size = opts.size ?? '320x240';
  const gop = opts.gop ?? 30;
  const bitrate = opts.bitrate ?? '400k';
  const key = `${seconds}-${size}-${gop}-${bitrate}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const file = path.join(workDir(), `clip-${key}.flv`);
  execFileSync('ffmpeg', [
    '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=30`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
    '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-b:v', bitrate,
    '-g', String(gop), '-keyint_min', String(gop), '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '64k', '-ac', '2',
    '-f', 'flv', file,
  ]);
  const clip = { file, seconds, gop };
  cache.set(key, clip);
  return clip;
}
