/** The published clip of the frames benches: testsrc2 at 30 fps, libx264 veryfast, 2 s GOP, no audio. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { spawnTracked, type Tracked } from '../fanout/children';

export function makeClip(size: string, bitrate: string, seconds = 10): string {
  const file = path.join(os.tmpdir(), `frames-bench-${size}-${bitrate}-${seconds}.flv`);
  if (!fs.existsSync(file)) {
    execFileSync('ffmpeg', [
      ...['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=30`, '-t', String(seconds)],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-b:v', bitrate, '-maxrate', bitrate, '-bufsize', bitrate],
      ...['-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-pix_fmt', 'yuv420p', '-f', 'flv', file],
    ]);
  }
  return file;
}

/** Publishes the clip in real time, looping, with -c copy (the publisher costs almost nothing). */
export function publishLoop(clip: string, url: string): Tracked {
  return spawnTracked('ffmpeg', ['-v', 'error', '-re', '-stream_loop', '-1', '-i', clip, '-c', 'copy', '-f', 'flv', url], null);
}
