/**
 * The published stream of the HLS benches, made live by ffmpeg: lavfi testsrc 1280x720 at 30 fps
 * plus a sine, libx264 at 2.5 Mbit/s CBR (HRD filler, so the bytes are those of a real camera
 * feed, not of an easy test card) with a 2 s GOP (-g 60, no scene-cut keyframes) and
 * -tune zerolatency, AAC 128 kbit/s,
 * paced with -re, sent as FLV over RTMP.
 *
 * With `stamp`, each frame carries the wall clock (Unix ms) at which ffmpeg filtered it, just
 * before encoding and sending, as a barcode the player page reads back (bench/hls/latency):
 * `setpts=RTCTIME` in microseconds puts the wall clock in the frame's timestamp, then one
 * drawbox per bit is enabled by a timeline expression of that timestamp (every box of one frame
 * sees the same `t`, so the bits are consistent), then the timestamps are put back to N/30.
 *
 *   y 0..31   [white][black][b31 .. b0]   white box = 1, on a black strip
 *   y 32..63  [black][white][~b31 .. ~b0] the complement, so a misread bit is detected
 * Each box is STAMP_BOX px square, from x = 0; the page samples the centre of each box.
 */
import { spawnTracked, Tracked } from '../fanout/children';

export const STAMP_BOX = 32;
export const STAMP_BITS = 32;

/** The ffmpeg filter chain that burns the low 32 bits of Unix ms into each frame. */
export function stampFilter(): string {
  const B = STAMP_BOX;
  const width = (STAMP_BITS + 2) * B;
  const filters = [
    'settb=AVTB',
    'setpts=RTCTIME', // µs since the Unix epoch (wall clock), timebase 1 µs
    `drawbox=x=0:y=0:w=${width}:h=${B}:color=black:t=fill`,
    `drawbox=x=0:y=${B}:w=${width}:h=${B}:color=white:t=fill`,
    `drawbox=x=0:y=0:w=${B}:h=${B}:color=white:t=fill`,
    `drawbox=x=0:y=${B}:w=${B}:h=${B}:color=black:t=fill`,
  ];
  for (let bit = 0; bit < STAMP_BITS; bit++) {
    const x = (2 + (STAMP_BITS - 1 - bit)) * B; // most significant bit first
    const on = `eq(mod(floor(t*1000/${2 ** bit})\\,2)\\,1)`;
    filters.push(`drawbox=x=${x}:y=0:w=${B}:h=${B}:color=white:t=fill:enable='${on}'`);
    filters.push(`drawbox=x=${x}:y=${B}:w=${B}:h=${B}:color=black:t=fill:enable='${on}'`);
  }
  filters.push('setpts=N/(30*TB)');
  return filters.join(',');
}

export interface PublisherOptions {
  url: string; // rtmp://host:port/app/name
  stamp?: boolean;
  logFile: string | null;
  /** Optional: a prepared FLV clip to loop with -c copy instead of encoding live (cheap). */
  clip?: string;
}

export function publisherArgs(o: PublisherOptions): string[] {
  if (o.clip) {
    return ['-hide_banner', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', o.clip, '-c', 'copy', '-f', 'flv', o.url];
  }
  const args = ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=1280x720:rate=30'];
  args.push('-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000');
  if (o.stamp) args.push('-vf', stampFilter());
  args.push(
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p'],
    ...['-b:v', '2500k', '-maxrate', '2500k', '-bufsize', '2500k', '-x264-params', 'nal-hrd=cbr'],
    ...['-g', '60', '-keyint_min', '60', '-sc_threshold', '0'],
    ...['-c:a', 'aac', '-b:a', '128k', '-ar', '48000', '-ac', '2'],
    ...['-flush_packets', '1', '-f', 'flv', o.url],
  );
  return args;
}

export function startPublisher(o: PublisherOptions): Tracked {
  return spawnTracked('ffmpeg', publisherArgs(o), o.logFile);
}
